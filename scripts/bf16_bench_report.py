#!/usr/bin/env python3
"""Summarises scripts/bf16-bench.sh's results.jsonl: what each side ran on (oneDNN ISA, BLAS and
core), median whole-fit samples/s, test -ELBO and transform rows/s per part and configuration,
and issue 17's targets with PASS/MISS."""
import json
import sys

from benchmark_report import median

CONFIGS = ["vae-float32", "vae-bfloat16", "vae-auto", "torch-float32", "torch-bfloat16"]
PART_NAMES = {1: "held-out-style set", 2: "Fashion-MNIST"}


def speed(row):
    """Samples/s as the issue counts them: vae-spark's whole fit, PyTorch's training loop."""
    return row["fit_samples_per_second"] if row["impl"].startswith("vae-spark") else row["train_samples_per_second"]


def steady(row):
    """Samples/s of the epochs after the first (median epoch time), or None with fewer than 2 epochs."""
    epochs = row.get("epoch_seconds") or []
    if len(epochs) < 2:
        return None
    later = sorted(epochs[1:])
    return row["train_rows"] / later[len(later) // 2]


def describe(rows):
    vae_bf16 = [r for r in rows if r["config"] == "vae-bfloat16"]
    torch_rows = [r for r in rows if r["config"].startswith("torch")]
    print("vae-spark bfloat16 GEMM: %s" % ("; ".join(sorted({r.get("onednn", "?") for r in vae_bf16})) or "(not run)"))
    print("vae-spark BLAS: %s" % "; ".join(sorted({r["blas_library"] for r in rows if "blas_library" in r})))
    for r in rows:
        if r["config"] == "vae-auto":
            print("vae-spark precision=auto (part %s) chose %s: %s" % (r["part"], r["precision"],
                                                                      r.get("precision_reason", "?")))
    for core in sorted({(r["blas_core"], r["blas"], r["torch"], r["mkldnn"]) for r in torch_rows}):
        print("PyTorch %s: OpenBLAS core %s (%s), mkldnn (oneDNN, its bf16 GEMM) %s" % (core[2], core[0], core[1],
              "available" if core[3] else "NOT available"))


def part_table(part, rows):
    """Prints one part's medians; returns {config: {"speed", "elbo", "transform"}}."""
    got = {}
    for config in CONFIGS:
        runs = [r for r in rows if r["part"] == part and r["config"] == config]
        if runs:
            steadies = [{"v": v} for v in (steady(r) for r in runs) if v]
            got[config] = {"speed": median([{"v": speed(r)} for r in runs], "v"),
                           "elbo": median(runs, "test_negative_elbo"),
                           "transform": median(runs, "transform_rows_per_second"), "runs": len(runs),
                           "steady": median(steadies, "v") if steadies else None,
                           "rows": runs[0].get("train_rows"), "epochs": runs[0]["epochs"]}
    if not got:
        return got
    first = next(iter(got.values()))
    print("\npart %d, %s: %s rows x %s epochs, batch 1024 (medians)" % (part, PART_NAMES[part], first["rows"],
                                                                      first["epochs"]))
    print("  %-16s %5s %14s %12s %16s %20s" % ("", "runs", "samples/s", "test -ELBO", "transform rows/s",
                                                "steady epochs, s/s"))
    for config, g in got.items():
        transform = "%16.0f" % g["transform"] if config.startswith("vae") else "%16s" % "-"
        later = "%20.0f" % g["steady"] if g["steady"] else "%20s" % "-"
        print("  %-16s %5d %14.0f %12.3f %s %s" % (config, g["runs"], g["speed"], g["elbo"], transform, later))
    if got.get("vae-bfloat16", {}).get("steady") and got.get("torch-bfloat16", {}).get("steady"):
        print("  (not a target) epochs after the first, median epoch time: vae-spark bfloat16 / PyTorch bf16 "
              "%.2fx; the whole fits above add each side's fixed costs (vae-spark: caching the rows, starting "
              "the job, a first epoch that compiles)" % (got["vae-bfloat16"]["steady"] / got["torch-bfloat16"]["steady"]))
    return got


def ratio_check(checks, got, a, b, key, target, label):
    if a in got and b in got:
        value = got[a][key] / got[b][key]
        checks.append((value >= target, "%s: %.2fx (target >= %.1fx)" % (label, value, target)))


def gap_check(checks, got, a, b, label):
    if a in got and b in got:
        gap = got[a]["elbo"] / got[b]["elbo"] - 1
        checks.append((abs(gap) <= 0.01, "%s: %+.2f%% (target within 1%%)" % (label, 100 * gap)))


def main(path):
    rows = [json.loads(line) for line in open(path) if line.startswith("{")]
    describe(rows)
    checks = []
    parts = {part: part_table(part, rows) for part in sorted({r["part"] for r in rows})}
    for part, got in parts.items():
        name = PART_NAMES[part]
        ratio_check(checks, got, "vae-bfloat16", "torch-bfloat16", "speed", 1.0 if part == 1 else 1.2,
                    "%s: vae-spark bfloat16 / PyTorch bf16 samples/s" % name)
        ratio_check(checks, got, "vae-auto", "torch-bfloat16", "speed", 1.0 if part == 1 else 1.2,
                    "%s: vae-spark precision=auto / PyTorch bf16 samples/s" % name)
        gap_check(checks, got, "vae-bfloat16", "vae-float32", "%s: test -ELBO, vae-spark bfloat16 vs float32" % name)
        gap_check(checks, got, "vae-bfloat16", "torch-bfloat16",
                  "%s: test -ELBO, vae-spark bfloat16 vs PyTorch bf16" % name)
    # Transform on the largest set measured (part 2's 60,000 rows when it ran): the same model at both
    # precisions, runs alternating in one JVM (--transform-precisions), else across the two JVMs.
    last_part = max(parts) if parts else None
    last = parts[last_part] if parts else {}
    in_jvm = [r["transform_rows_per_second_by_precision"] for r in rows
              if r["part"] == last_part and len(r.get("transform_rows_per_second_by_precision") or {}) == 2]
    rows_label = next(iter(last.values()))["rows"] if last else "?"
    # Without native bfloat16 the bfloat16 precision runs the float32 GEMM: the issue asks only that
    # it be no slower there (within the noise of alternating runs), not 1.5x.
    fallback = any("float32 GEMM" in r.get("onednn", "") for r in rows if r["config"] == "vae-bfloat16")
    if in_jvm and fallback:
        value = median([{"v": t["bfloat16"] / t["float32"]} for t in in_jvm], "v")
        checks.append((value >= 0.9, "transform (784 features, %s rows) bfloat16 / float32 rows/s on the float32 "
                       "fallback (no bfloat16 on this CPU; target 1.5x applies to CPUs that have it, here: no "
                       "slower, >= 0.9x for noise), median of %d JVMs: %.2fx" % (rows_label, len(in_jvm), value)))
    elif in_jvm:
        value = median([{"v": t["bfloat16"] / t["float32"]} for t in in_jvm], "v")
        checks.append((value >= 1.5, "transform (784 features, %s rows) bfloat16 / float32 rows/s, the same model "
                       "alternating in one JVM, median of %d JVMs: %.2fx (target >= 1.5x)"
                       % (rows_label, len(in_jvm), value)))
    else:
        ratio_check(checks, last, "vae-bfloat16", "vae-float32", "transform", 1.5,
                    "transform (784 features, %s rows) bfloat16 / float32 rows/s" % rows_label)
    print("\nTargets (issue 17):")
    for ok, text in checks:
        print("  %-4s %s" % ("PASS" if ok else "MISS", text))
    loads = [float(r["load"]) for r in rows if "load" in r]
    if loads:
        print("\nload average (1 min) at the start of each run: %s .. %s" % (min(loads), max(loads)))


if __name__ == "__main__":
    main(sys.argv[1])
