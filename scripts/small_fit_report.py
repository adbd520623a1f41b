#!/usr/bin/env python3
"""Summarises scripts/small-fit-bench.sh's results.jsonl: medians per configuration and batch, and
vae-spark's end-to-end speed against PyTorch's fair best (the faster of its core-type settings)."""
import json
import statistics
import sys


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def main(path):
    rows = [json.loads(l) for l in open(path) if l.startswith("{")]
    spark = [r for r in rows if r["config"] == "vae-spark"]
    torch = [r for r in rows if r["config"].startswith("torch")]
    if spark:
        print("vae-spark BLAS:", spark[0]["blas_library"])
    for core in sorted({(r["config"], r.get("blas_core"), r.get("openblas_coretype_env")) for r in torch}):
        print("PyTorch %s: OpenBLAS core %s (OPENBLAS_CORETYPE=%s), %s" % (core[0], core[1], core[2],
              next(r["blas"] for r in torch if r["config"] == core[0])))
    for batch in sorted({r["batch"] for r in spark}, reverse=True):
        s = [r for r in spark if r["batch"] == batch]
        first = [r for r in s if r["fit_in_jvm"] == 1]
        later = [r for r in s if r["fit_of_batch"] >= 2]
        t = {}
        for r in torch:
            if r["batch"] == batch:
                t.setdefault(r["config"], []).append(r["train_seconds"])
        best_config = min(t, key=lambda c: med(t[c])) if t else None
        best = med(t[best_config]) if t else float("nan")
        print("\nbatch %d, %d rows x %d epochs (medians; vae-spark runs: %d first fits, %d later fits)"
              % (batch, s[0]["rows"], s[0]["epochs"], len(first), len(later)))
        for label, group in (("first fit in a JVM", first), ("later fits", later)):
            if not group:
                continue
            fit = med([r["fit_seconds"] for r in group])
            print("  vae-spark %-18s fit %.2f s (%.0f rows/s end to end; %.2fx PyTorch's best)  before first step "
                  "%.2f s  first epoch %.2f s  steady epoch %.2f s"
                  % (label, fit, s[0]["rows"] * s[0]["epochs"] / fit, best / fit,
                     med([r["before_first_step_seconds"] for r in group]), med([r["first_epoch_seconds"] for r in group]),
                     med([r["steady_epoch_seconds"] for r in group])))
        for config, seconds in sorted(t.items()):
            print("  %-28s loop %.2f s (%.0f rows/s)%s" % (config, med(seconds),
                  s[0]["rows"] * s[0]["epochs"] / med(seconds), "  <- fair best" if config == best_config else ""))
    loads = [float(r["load"]) for r in spark if "load" in r]
    if loads:
        print("\nload average when the vae-spark runs started: %s" % ", ".join("%.1f" % l for l in loads[::max(1, len(loads) // max(1, len(loads)))] ))


if __name__ == "__main__":
    main(sys.argv[1])
