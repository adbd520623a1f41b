#!/usr/bin/env bash
# vae-spark against PyTorch on Fashion-MNIST: the 784-512-256-20 Bernoulli VAE, Adam 1e-3, on the
# same data, model and 2 cores, alternating runs (A B C A B C ...) at global batch 1024 and 128.
# Prints training samples/s, test negative ELBO, transform/inference rows/s, their ratios, the
# split of a vae-spark step into computation and Spark overhead, GFLOP/s against the float32
# GEMM ceiling measured here, the cached data's size against raw float32, and the issue's targets.
#
# Configurations: "barrier" (the default exchange, in-process in local mode), "tcp" (the barrier
# exchange over TCP on loopback, as executors on other machines use it), "jobs" (one Spark job per
# step, the exchange for clusters where barrier jobs cannot run) and "torch".
# Usage: scripts/benchmark.sh [--epochs N] [--reps N] [--batches "1024 128"] [--configs "barrier tcp torch"] [--out DIR]
source "$(dirname "$0")/common.sh"
EPOCHS=3
REPS=2
BATCHES="1024 128"
CONFIGS="barrier tcp torch"
OUT="$ROOT/out/benchmark"
DATA="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --batches) BATCHES="$2"; shift 2 ;;
    --configs) CONFIGS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# PyTorch from Debian, on OpenBLAS: without libopenblas0-pthread, Debian's torch (and netlib) use
# the reference BLAS through libblas.so.3, a baseline nobody would use.
need=()
[ -f /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ] || need+=(libopenblas0-pthread)
/usr/bin/python3 -c "import torch" 2>/dev/null || need+=(python3-torch)
[ -f "$DATA/train-images-idx3-ubyte.gz" ] || need+=(dataset-fashion-mnist)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing ${need[*]}..." >&2
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >&2
fi
vae_build
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

# Each side at its fair best on this CPU: vae-spark's bundled OpenBLAS chooses its kernels itself
# (no OPENBLAS_CORETYPE, as on a user's machine); PyTorch's Debian OpenBLAS gets the best core type
# it has for the CPU (it may not recognise new CPUs by itself).
torch_openblas_env
{
  echo "machine: $(cpu_summary); $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -n 1)"
  echo "libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
  echo "vae-spark: OPENBLAS_CORETYPE unset (the bundled OpenBLAS detects the CPU); PyTorch: OPENBLAS_CORETYPE=${BEST_CORE:-(unset)}"
  echo "command: scripts/benchmark.sh --epochs $EPOCHS --reps $REPS --batches \"$BATCHES\" --configs \"$CONFIGS\""
} | tee "$OUT/machine.txt"

echo "== GEMM ceiling (float32 1024x1024, netlib in this JVM; and PyTorch on 2 threads)"
(unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; vae_java io.github.vaespark.bench.KernelBench --threads 2) 2>/dev/null | grep '^{' | sed 's/^{/{"impl":"gemm-netlib",/' | tee -a "$RESULTS"
env "${TORCH_ENV[@]}" OPENBLAS_NUM_THREADS=2 /usr/bin/python3 - <<'PY' | tee -a "$RESULTS"
import json, time, torch
torch.set_num_threads(2)
a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
for _ in range(5): a @ b
n, t = 60, time.perf_counter()
for _ in range(n): a @ b
gflops = 2 * 1024**3 * n / (time.perf_counter() - t) / 1e9
blas = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.split()[-1]})
print(json.dumps({"impl": "gemm-torch", "torch_matmul_1024_gflops_2_threads": gflops, "native_blas_libraries": " ".join(blas)}))
PY

spark_run() { # batch, extra FashionMnistBench arguments
  local batch="$1"; shift
  (unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
   vae_java io.github.vaespark.bench.FashionMnistBench --master 'local[2]' --batch "$batch" --epochs "$EPOCHS" \
     --data "$DATA" "$@") 2>>"$OUT/spark.log" | grep '^{' | tee -a "$RESULTS"
}

for batch in $BATCHES; do
  for rep in $(seq 1 "$REPS"); do
    for config in $CONFIGS; do
      echo "== batch $batch, run $rep: $config"
      case "$config" in
        barrier) spark_run "$batch" --exchange-mode barrier ;;
        tcp) spark_run "$batch" --exchange-mode barrier --transport tcp ;;
        # What the CLI sets for this exchange: gradients travel with the task result, weights uncompressed.
        jobs) spark_run "$batch" --exchange-mode jobs \
                --conf "spark.task.maxDirectResultSize=64m,spark.broadcast.compress=false" ;;
        torch) env "${TORCH_ENV[@]}" OPENBLAS_NUM_THREADS=2 /usr/bin/python3 "$ROOT/scripts/torch_vae.py" --batch "$batch" \
                 --epochs "$EPOCHS" --threads 2 --data "$DATA" --seed "$rep" | tee -a "$RESULTS" ;;
        *) echo "unknown configuration $config" >&2; exit 2 ;;
      esac
    done
  done
done

echo "== GEMM ceiling again, after the runs (the report takes the best measurement)"
(unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; vae_java io.github.vaespark.bench.KernelBench --threads 2) 2>/dev/null | grep '^{' | sed 's/^{/{"impl":"gemm-netlib",/' | tee -a "$RESULTS"

/usr/bin/python3 "$ROOT/scripts/benchmark_report.py" "$RESULTS" | tee "$OUT/report.txt"
