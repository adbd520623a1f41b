#!/usr/bin/env bash
# What a small fit costs end to end, against PyTorch: 8,000 Fashion-MNIST rows, the 784-512-256-20
# Bernoulli VAE, Adam 1e-3, 10 epochs, whole `fit` wall time (caching the data included) in
# local[2], against PyTorch's training loop on the same 8,000 rows as in-memory tensors on 2 threads.
# Runs alternate (vae-spark with the environment's OPENBLAS_CORETYPE, vae-spark with the bundled
# OpenBLAS choosing its kernels itself, torch with the environment's OPENBLAS_CORETYPE, torch with the best
# core type of its OpenBLAS on this CPU, ...); every vae-spark JVM fits --fits times per batch size,
# so the first fit of a JVM (JIT warm-up, what a notebook pays) and later fits (what a
# CrossValidator pays) are both reported. Prints the CPU, each side's BLAS library and core type,
# medians and ratios. Each JVM/Python run takes well under a minute.
# Usage: scripts/small-fit-bench.sh [--reps N] [--fits N] [--batches "1024 128"] [--epochs N] [--rows N] [--out DIR]
source "$(dirname "$0")/common.sh"
REPS=3
FITS=3
BATCHES="1024 128"
EPOCHS=10
ROWS=8000
OUT="$ROOT/out/small-fit"
DATA="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --fits) FITS="$2"; shift 2 ;;
    --batches) BATCHES="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "needs python3-torch and libopenblas0-pthread (apt-get install -y python3-torch libopenblas0-pthread)" >&2; exit 2; }
vae_build
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

# The best core type Debian's OpenBLAS (PyTorch's BLAS) has for this CPU: its fair best.
torch_openblas_env
{
  echo "cpu: $(cpu_summary)"
  echo "environment: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-(unset)}; torch's best core type here: ${BEST_CORE:-(none)}"
  echo "libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo none)"
  echo "command: scripts/small-fit-bench.sh --reps $REPS --fits $FITS --batches \"$BATCHES\" --epochs $EPOCHS --rows $ROWS"
} | tee "$OUT/machine.txt"

torch_run() { # batch, label, env...
  local batch="$1" label="$2"; shift 2
  env "$@" OPENBLAS_NUM_THREADS=2 /usr/bin/python3 "$ROOT/scripts/torch_vae.py" --batch "$batch" --epochs "$EPOCHS" \
    --threads 2 --data "$DATA" --train-limit "$ROWS" --skip-test \
    | sed "s/^{/{\"config\":\"$label\",/" | tee -a "$RESULTS"
}

spark_run() { # label, env...
  local label="$1"; shift
  env "$@" bash -c "source '$ROOT/scripts/common.sh'; vae_build; vae_java io.github.vaespark.bench.SmallFitBench \
      --rows $ROWS --epochs $EPOCHS --fits $FITS --batches $(echo $BATCHES | tr ' ' ',') --data '$DATA'" \
      2>>"$OUT/spark.log" | grep '^{' \
    | sed "s/^{/{\"config\":\"$label\",\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\",/" | tee -a "$RESULTS"
}

for rep in $(seq 1 "$REPS"); do
  echo "== run $rep (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  spark_run vae-spark-env
  # The bundled OpenBLAS's own choice of kernels, as a machine without these variables gets it.
  spark_run vae-spark-autodetect -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE
  for batch in $BATCHES; do
    torch_run "$batch" torch-env
    if [ -n "$BEST_CORE" ]; then torch_run "$batch" "torch-$BEST_CORE" -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$BEST_CORE"; fi
  done
done
/usr/bin/python3 "$ROOT/scripts/small_fit_report.py" "$RESULTS" | tee "$OUT/report.txt"
