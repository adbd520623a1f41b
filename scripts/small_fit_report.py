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
    spark_all = [r for r in rows if r["config"].startswith("vae-spark")]
    torch = [r for r in rows if r["config"].startswith("torch")]
    for config in sorted({r["config"] for r in spark_all}):
        print("%s BLAS: %s" % (config, next(r["blas_library"] for r in spark_all if r["config"] == config)))
    for core in sorted({(r["config"], r.get("blas_core"), r.get("openblas_coretype_env")) for r in torch}):
        print("PyTorch %s: OpenBLAS core %s (OPENBLAS_CORETYPE=%s), %s" % (core[0], core[1], core[2],
              next(r["blas"] for r in torch if r["config"] == core[0])))
    for config, batch in sorted({(r["config"], r["batch"]) for r in spark_all}, key=lambda k: (-k[1], k[0])):
        s = [r for r in spark_all if r["batch"] == batch and r["config"] == config]
        first = [r for r in s if r["fit_in_jvm"] == 1]
        later = [r for r in s if r["fit_of_batch"] >= 2]
        t = {}
        for r in torch:
            if r["batch"] == batch:
                t.setdefault(r["config"], []).append(r["train_seconds"])
        best_config = min(t, key=lambda c: med(t[c])) if t else None
        best = med(t[best_config]) if t else float("nan")
        print("\n%s, batch %d, %d rows x %d epochs (medians; %d first fits, %d later fits)"
              % (config, batch, s[0]["rows"], s[0]["epochs"], len(first), len(later)))
        for label, group in (("first fit in a JVM", first), ("later fits", later)):
            if not group:
                continue
            fit = med([r["fit_seconds"] for r in group])
            print("  %-18s fit %.2f s (%.0f rows/s end to end; %.2fx PyTorch's best)  before first step "
                  "%.2f s  first epoch %.2f s  steady epoch %.2f s"
                  % (label, fit, s[0]["rows"] * s[0]["epochs"] / fit, best / fit,
                     med([r["before_first_step_seconds"] for r in group]), med([r["first_epoch_seconds"] for r in group]),
                     med([r["steady_epoch_seconds"] for r in group])))
        for config, seconds in sorted(t.items()):
            print("  %-28s loop %.2f s (%.0f rows/s)%s" % (config, med(seconds),
                  s[0]["rows"] * s[0]["epochs"] / med(seconds), "  <- fair best" if config == best_config else ""))
    loads = sorted({(r["config"], r["load"]) for r in spark_all if "load" in r})
    if loads:
        print("\nload average when the vae-spark runs started: %s" % ", ".join(l for _, l in loads))


if __name__ == "__main__":
    main(sys.argv[1])
