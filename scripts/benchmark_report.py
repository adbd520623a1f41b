#!/usr/bin/env python3
"""Summarises scripts/benchmark.sh results (JSON lines): medians per implementation and batch,
ratios against PyTorch, the split of a vae-spark step, and the performance targets."""
import json
import statistics
import sys

# Multiply-adds per training sample of the 784-512-256-20 VAE: forward, and backward (two GEMMs
# per layer but the first, whose input gradient is not needed).
LAYERS = [(784, 512), (512, 256), (256, 40), (20, 256), (256, 512), (512, 784)]
MACS = 3 * sum(i * o for i, o in LAYERS) - 784 * 512


def median(rows, key):
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else float("nan")


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    # The ceiling is the best GEMM rate measured in the run (before and after the configurations).
    gemms = [r for r in rows if r.get("impl") == "gemm-netlib"]
    gemm = max(gemms, key=lambda r: r.get("sgemm_1024_gflops_2_threads", 0), default={})
    torch_gemm = next((r for r in rows if r.get("impl") == "gemm-torch"), {})
    ceiling = gemm.get("sgemm_1024_gflops_2_threads", float("nan"))
    print(f"float32 GEMM ceiling (2 threads, 1024^3, best of {3 * len(gemms)}): netlib/{gemm.get('blas')} "
          f"{ceiling:.0f} GFLOP/s "
          f"[{gemm.get('native_blas_libraries', '?')}], PyTorch "
          f"{torch_gemm.get('torch_matmul_1024_gflops_2_threads', float('nan')):.0f} GFLOP/s "
          f"[{torch_gemm.get('native_blas_libraries', '?')}]")
    if gemm.get("blas_library"):
        print(f"vae-spark BLAS: {gemm['blas_library']}")
    print(f"vae-spark forward+backward on one 512-row chunk, 1 thread: "
          f"{gemm.get('forward_backward_gflops_1_thread', float('nan')):.0f} GFLOP/s")
    checks = []
    for batch in sorted({r["batch"] for r in rows if "batch" in r}, reverse=True):
        torch = [r for r in rows if r.get("impl") == "pytorch" and r["batch"] == batch]
        for impl in sorted({r["impl"] for r in rows if r.get("impl", "").startswith("vae-spark")}):
            spark = [r for r in rows if r.get("impl") == impl and r["batch"] == batch]
            if spark and torch:
                checks += report(impl, batch, spark, torch, ceiling)
    if checks:
        print("\nTargets (issue 7), for the default configuration (vae-spark-barrier):")
        for ok, text in checks:
            print(f"  [{'met' if ok else 'MISSED'}] {text}")


def report(impl, batch, spark, torch, ceiling):
    """One vae-spark configuration against PyTorch at one batch size; returns target checks."""
    s_train, t_train = median(spark, "train_samples_per_second"), median(torch, "train_samples_per_second")
    s_elbo, t_elbo = median(spark, "test_negative_elbo"), median(torch, "test_negative_elbo")
    s_inf, t_inf = median(spark, "transform_rows_per_second"), median(torch, "inference_rows_per_second")
    print(f"\n{impl} against PyTorch, batch {batch} ({len(spark)} + {len(torch)} runs, {spark[0]['epochs']} epochs, "
          f"medians; PyTorch BLAS {torch[0].get('blas')}):")
    print(f"  training samples/s      vae-spark {s_train:8.0f}   PyTorch {t_train:8.0f}   ratio {s_train / t_train:.2f}")
    print(f"  test -ELBO per sample   vae-spark {s_elbo:8.2f}   PyTorch {t_elbo:8.2f}   ratio {s_elbo / t_elbo:.4f}")
    print(f"  transform rows/s        vae-spark {s_inf:8.0f}   PyTorch {t_inf:8.0f}   ratio {s_inf / t_inf:.2f}")
    s_gflops = median(spark, "achieved_gflops")
    t_gflops = 2.0 * MACS * t_train / 1e9
    share = s_gflops / ceiling
    print(f"  training GFLOP/s        vae-spark {s_gflops:8.1f} ({100 * share:.0f}% of ceiling)   "
          f"PyTorch {t_gflops:8.1f} ({100 * t_gflops / ceiling:.0f}%)")
    steps = median(spark, "steps")
    per = lambda key: 1000 * median(spark, key) / steps
    step_ms = median(spark, "ms_per_step")
    overhead = median(spark, "overhead_fraction")
    print(f"  vae-spark step ({spark[0].get('exchange_mode')} exchange): {step_ms:.1f} ms = slowest partition's "
          f"computation {per('compute_seconds'):.1f} ms + Spark overhead {step_ms - per('compute_seconds'):.1f} ms "
          f"({100 * overhead:.1f}%): exchange of weights and gradients {per('exchange_seconds'):.1f}, "
          f"driver update not overlapped {per('update_seconds'):.1f}, job launch {per('launch_seconds'):.1f}")
    tl = spark[-1].get("spark_timeline", {})
    if tl.get("jobs"):
        print(f"    per task: launch delay {tl['task_launch_delay_ms']:.1f} ms, deserialise "
              f"{tl['task_deserialize_ms']:.1f}, result serialise {tl['task_result_serialize_ms']:.1f}, "
              f"result delivery {tl['task_result_delivery_ms']:.1f} ({tl['task_result_bytes'] / 1e6:.1f} MB)")
    cache = median(spark, "cache_ratio")
    print(f"  cached training data    {median(spark, 'cached_bytes') / 1e6:.1f} MB = "
          f"{cache:.3f} x raw float32 ({median(spark, 'raw_float32_bytes') / 1e6:.1f} MB)")
    if impl != "vae-spark-barrier":
        return []
    checks = []
    if batch == 1024:
        checks += [(s_train / t_train >= 1.0, f"training at batch 1024 >= 1.0x PyTorch: {s_train / t_train:.2f}x"),
                   (share >= 0.40, f"training at batch 1024 uses >= 40% of the GEMM ceiling: {100 * share:.0f}%"),
                   (overhead <= 0.10, f"Spark overhead <= 10% of step time at batch 1024: {100 * overhead:.1f}%"),
                   (s_inf / t_inf >= 1.0, f"transform >= 1.0x PyTorch inference: {s_inf / t_inf:.2f}x"),
                   (cache <= 1.2, f"cached training data <= 1.2x raw float32: {cache:.3f}x")]
    if batch == 128:
        checks.append((s_train / t_train >= 0.7, f"training at batch 128 >= 0.7x PyTorch: {s_train / t_train:.2f}x"))
    gap = abs(s_elbo / t_elbo - 1)
    checks.append((gap <= 0.01, f"test -ELBO within 1% of PyTorch at batch {batch}: {100 * (s_elbo / t_elbo - 1):+.2f}%"))
    return checks


if __name__ == "__main__":
    main(sys.argv[1])
