"""Checks and runs the project's Java notebooks; called by scripts/run-notebooks.sh.

  notebooks.py lint NOTEBOOK...               committed form: no outputs, no execution counts, no
                                              machine paths, the project's kernel, a declared image count
  notebooks.py run OUT_DIR TIMEOUT NOTEBOOK...  executes each notebook headlessly into OUT_DIR, fails on
                                              any error output and on an image count other than declared

Needs python3-nbclient (Debian 12: python3-nbclient, jupyter-client). Closes `run` with the line
"notebooks: N passed, N failed".
"""
import copy
import re
import sys
import time
from pathlib import Path

import nbformat

KERNEL_NAME = "vae-spark-java"
# Absolute paths of a particular machine; a notebook must find its files relative to itself.
MACHINE_PATH = re.compile(r"(?<![\w.~-])(/(?:work|root|home|Users)/|[A-Za-z]:\\\\)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def expected_images(nb):
    value = nb.metadata.get("vae_spark", {}).get("expected_images")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def lint(paths):
    problems = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        try:
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
        except Exception as e:  # noqa: BLE001 - report any parse or schema error
            problems.append(f"{path}: not a valid notebook: {e}")
            continue
        kernel = nb.metadata.get("kernelspec", {}).get("name")
        if kernel != KERNEL_NAME:
            problems.append(f"{path}: kernelspec name is {kernel!r}, expected {KERNEL_NAME!r}")
        if expected_images(nb) is None:
            problems.append(f"{path}: metadata.vae_spark.expected_images must be a count (int >= 0)")
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if cell.get("outputs"):
                problems.append(f"{path}: cell {i} has committed outputs (clear them)")
            if cell.get("execution_count") is not None:
                problems.append(f"{path}: cell {i} has an execution count (clear outputs)")
        for n, line in enumerate(text.splitlines(), 1):
            m = MACHINE_PATH.search(line)
            if m:
                problems.append(f"{path}:{n}: absolute machine path {m.group(1)!r}")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def count_images(nb):
    return sum(1 for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])
               if out.get("output_type") in ("display_data", "execute_result")
               and "image/png" in out.get("data", {}))


def error_outputs(nb):
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                yield i, out


def execute(nb, workdir, timeout, log):
    from nbclient import NotebookClient
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME, allow_errors=False,
                            startup_timeout=120, resources={"metadata": {"path": str(workdir)}})
    # The kernel's own stdout/stderr (its start-up log) go to a file beside the executed notebook.
    client.execute(stdout=log, stderr=log)


def run(out_dir, timeout, paths):
    from nbclient.exceptions import CellExecutionError
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    passed = failed = 0
    for path in map(Path, paths):
        source = nbformat.read(path, as_version=4)
        out_path = out_dir / path.name
        log_path = out_dir / (path.stem + ".kernel.log")
        started = time.monotonic()
        error = None
        with open(log_path, "w") as log:
            for attempt in (1, 2):
                nb = copy.deepcopy(source)
                try:
                    execute(nb, path.parent.resolve(), timeout, log)
                    error = None
                    break
                except CellExecutionError as e:
                    error = f"a cell failed: {ANSI.sub('', str(e))[-4000:]}"
                    break
                except Exception as e:  # noqa: BLE001 - kernel start-up or time-out
                    error = f"{type(e).__name__}: {e}"
                    started_cells = any(c.get("execution_count") for c in nb.cells if c.cell_type == "code")
                    if started_cells or attempt == 2:
                        break
                    print(f"{path}: kernel did not start ({error}); retrying once", file=sys.stderr)
        nbformat.write(nb, out_path)
        seconds = time.monotonic() - started
        if error is None:
            for i, out in error_outputs(nb):
                error = f"cell {i} has an error output: {out.get('ename')}: {out.get('evalue')}"
                break
        if error is None:
            want, got = expected_images(source), count_images(nb)
            if want is None:
                error = "metadata.vae_spark.expected_images is not declared"
            elif got != want:
                error = f"{got} image/png outputs, expected {want}"
        if error is None:
            passed += 1
            print(f"PASS {path} ({seconds:.1f} s, {count_images(nb)} images) -> {out_path}")
        else:
            failed += 1
            print(f"FAIL {path} ({seconds:.1f} s): {error}\n  executed notebook: {out_path}\n"
                  f"  kernel log: {log_path}", file=sys.stderr)
    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "lint":
        return lint(argv[1:])
    if len(argv) >= 4 and argv[0] == "run":
        return run(argv[1], int(argv[2]), argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
