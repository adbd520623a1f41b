#!/usr/bin/env python3
"""Summarises scripts/benchmark.sh results (JSON lines): medians per implementation and batch, ratios."""
import json
import statistics
import sys


def median(rows, key):
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else float("nan")


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    gemm = next((r for r in rows if r.get("impl") == "gemm-netlib"), {})
    torch_gemm = next((r for r in rows if r.get("impl") == "gemm-torch"), {})
    ceiling = gemm.get("sgemm_1024_gflops_2_threads", float("nan"))
    print(f"float32 GEMM ceiling (2 threads, 1024^3): netlib/{gemm.get('blas')} {ceiling:.0f} GFLOP/s, "
          f"PyTorch {torch_gemm.get('torch_matmul_1024_gflops_2_threads', float('nan')):.0f} GFLOP/s")
    print(f"vae-spark forward+backward on one 512-row chunk, 1 thread: "
          f"{gemm.get('forward_backward_gflops_1_thread', float('nan')):.0f} GFLOP/s")
    macs = 3 * (784 * 512 + 512 * 256 + 256 * 40 + 20 * 256 + 256 * 512 + 512 * 784) - 784 * 512
    for batch in sorted({r["batch"] for r in rows if "batch" in r}, reverse=True):
        torch = [r for r in rows if r.get("impl") == "pytorch" and r["batch"] == batch]
        for impl in sorted({r["impl"] for r in rows if r.get("impl", "").startswith("vae-spark")}):
            spark = [r for r in rows if r.get("impl") == impl and r["batch"] == batch]
            if spark and torch:
                report(impl, batch, spark, torch, ceiling, macs)


def report(impl, batch, spark, torch, ceiling, macs):
    """One vae-spark configuration against PyTorch at one batch size."""
    s_train, t_train = median(spark, "train_samples_per_second"), median(torch, "train_samples_per_second")
    s_elbo, t_elbo = median(spark, "test_negative_elbo"), median(torch, "test_negative_elbo")
    s_inf, t_inf = median(spark, "transform_rows_per_second"), median(torch, "inference_rows_per_second")
    print(f"\n{impl} against PyTorch, batch {batch} ({len(spark)} + {len(torch)} runs, {spark[0]['epochs']} epochs, medians):")
    print(f"  training samples/s      vae-spark {s_train:8.0f}   PyTorch {t_train:8.0f}   ratio {s_train / t_train:.2f}")
    print(f"  test -ELBO per sample   vae-spark {s_elbo:8.2f}   PyTorch {t_elbo:8.2f}   ratio {s_elbo / t_elbo:.4f}")
    print(f"  transform rows/s        vae-spark {s_inf:8.0f}   PyTorch {t_inf:8.0f}   ratio {s_inf / t_inf:.2f}")
    s_gflops = median(spark, "achieved_gflops")
    t_gflops = 2.0 * macs * t_train / 1e9
    print(f"  training GFLOP/s        vae-spark {s_gflops:8.1f} ({100 * s_gflops / ceiling:.0f}% of ceiling)   "
          f"PyTorch {t_gflops:8.1f} ({100 * t_gflops / ceiling:.0f}%)")
    steps = median(spark, "steps")
    per = lambda key: 1000 * median(spark, key) / steps
    print(f"  vae-spark step: {median(spark, 'ms_per_step'):.1f} ms = slowest partition's computation "
          f"{per('compute_seconds'):.1f} ms + Spark overhead "
          f"{median(spark, 'ms_per_step') - per('compute_seconds'):.1f} ms "
          f"({100 * median(spark, 'overhead_fraction'):.0f}%): weight broadcast {per('broadcast_seconds'):.1f}, "
          f"job beyond computation {per('job_seconds') - per('compute_seconds'):.1f}, "
          f"driver update {per('update_seconds'):.1f}")
    tl = spark[-1].get("spark_timeline", {})
    if tl:
        print(f"    per task: launch delay {tl['task_launch_delay_ms']:.1f} ms, deserialise "
              f"{tl['task_deserialize_ms']:.1f}, result serialise {tl['task_result_serialize_ms']:.1f}, "
              f"result delivery {tl['task_result_delivery_ms']:.1f} ({tl['task_result_bytes'] / 1e6:.1f} MB)")
    print(f"  cached training data    {median(spark, 'cached_bytes') / 1e6:.1f} MB = "
          f"{median(spark, 'cache_ratio'):.3f} x raw float32 ({median(spark, 'raw_float32_bytes') / 1e6:.1f} MB)")


if __name__ == "__main__":
    main(sys.argv[1])
