#!/usr/bin/env bash
# vae-spark against PyTorch on Fashion-MNIST: the 784-512-256-20 Bernoulli VAE, Adam 1e-3, on the
# same data, model and 2 cores, alternating runs (A B A B ...) at global batch 1024 and 128.
# Prints training samples/s, test negative ELBO, transform/inference rows/s, their ratios, the
# split of a vae-spark step into computation and Spark overhead, GFLOP/s against the float32
# GEMM ceiling measured here, and the cached data's size against raw float32.
# Usage: scripts/benchmark.sh [--epochs N] [--reps N] [--batches "1024 128"] [--out DIR]
source "$(dirname "$0")/common.sh"
EPOCHS=3
REPS=2
BATCHES="1024 128"
OUT="$ROOT/out/benchmark"
DATA="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --batches) BATCHES="$2"; shift 2 ;;
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
# What the CLI sets by default: gradients travel with the task result; weights are not compressed.
SPARK_CONF="spark.task.maxDirectResultSize=64m,spark.broadcast.compress=false"
: > "$RESULTS"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB" | tee "$OUT/machine.txt"
echo "libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)" | tee -a "$OUT/machine.txt"

echo "== GEMM ceiling (float32 1024x1024, netlib in this JVM; and PyTorch on 2 threads)"
vae_java io.github.vaespark.bench.KernelBench --threads 2 2>/dev/null | grep '^{' | sed 's/^{/{"impl":"gemm-netlib",/' | tee -a "$RESULTS"
OPENBLAS_NUM_THREADS=2 /usr/bin/python3 - <<'PY' | tee -a "$RESULTS"
import json, time, torch
torch.set_num_threads(2)
a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
for _ in range(5): a @ b
n, t = 60, time.perf_counter()
for _ in range(n): a @ b
print(json.dumps({"impl": "gemm-torch", "torch_matmul_1024_gflops_2_threads": 2 * 1024**3 * n / (time.perf_counter() - t) / 1e9}))
PY

for batch in $BATCHES; do
  for rep in $(seq 1 "$REPS"); do
    echo "== batch $batch, run $rep: vae-spark (local[2], float32, two partitions of one thread)"
    vae_java io.github.vaespark.bench.FashionMnistBench --master 'local[2]' --batch "$batch" --epochs "$EPOCHS" \
      --data "$DATA" --conf "$SPARK_CONF" 2>>"$OUT/spark.log" | grep '^{' | tee -a "$RESULTS"
    echo "== batch $batch, run $rep: vae-spark (local[2], spark.task.cpus=2: one partition of two threads)"
    vae_java io.github.vaespark.bench.FashionMnistBench --master 'local[2]' --batch "$batch" --epochs "$EPOCHS" \
      --data "$DATA" --conf "$SPARK_CONF,spark.task.cpus=2" 2>>"$OUT/spark.log" | grep '^{' | tee -a "$RESULTS"
    echo "== batch $batch, run $rep: PyTorch $( /usr/bin/python3 -c 'import torch; print(torch.__version__)') (2 threads, float32)"
    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 "$ROOT/scripts/torch_vae.py" --batch "$batch" --epochs "$EPOCHS" \
      --threads 2 --data "$DATA" --seed "$rep" | tee -a "$RESULTS"
  done
done

/usr/bin/python3 "$ROOT/scripts/benchmark_report.py" "$RESULTS" | tee "$OUT/report.txt"
