#!/usr/bin/env bash
# Issue 17's targets side by side: vae-spark precision=float32 and bfloat16 against PyTorch 1.13
# in float32 and under torch.autocast('cpu', dtype=torch.bfloat16), on the same data, model
# (784-512-256-20 Bernoulli, Adam 1e-3, batch 1024) and 2 cores, alternating runs
# (A B C D A B C D ...; A vae-spark float32, B vae-spark bfloat16, C PyTorch float32, D PyTorch bf16):
#  part 1: the first --rows Fashion-MNIST training images (8,000: the held-out-style set),
#          --epochs 30: whole-fit samples/s (vae-spark: wall time of fit, caching included, local[2];
#          PyTorch: its training loop on in-memory tensors, 2 threads) and test -ELBO;
#  part 2: all of Fashion-MNIST (--full-rows 0), --full-epochs 5: the same figures, and transform
#          rows/s of the trained model (784 features, noop sink, median of --transform-runs) in
#          bfloat16 against float32 (target 3): each vae-spark JVM also transforms with its model at
#          both precisions, runs alternating (FashionMnistBench --transform-precisions), and the
#          report takes the median of those in-JVM ratios (one JVM's transform speed varies less
#          than two JVMs' on a shared machine).
# --configs may add vae-auto (precision=auto: the report says what it chose and why, and checks its
# speed against PyTorch bf16 as for vae-bfloat16).
# Prints the CPU and its bfloat16 flags, the oneDNN version and ISA vae-spark dispatches to, each
# side's BLAS and core, medians and PASS/MISS per target. vae-spark runs with one OpenBLAS and one
# oneDNN thread per task and OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset (its bundled OpenBLAS picks
# its own kernels, as on a user's machine); PyTorch gets the best core type of Debian's OpenBLAS.
# Usage: scripts/bf16-bench.sh [--reps 3] [--rows 8000] [--epochs 30] [--full-rows 0] [--full-epochs 5]
#        [--transform-runs 5] [--parts "1 2"] [--configs "vae-float32 vae-bfloat16 [vae-auto] torch-float32 torch-bfloat16"]
#        [--out out/bf16-bench]
source "$(dirname "$0")/common.sh"
REPS=3
ROWS=8000
EPOCHS=30
FULL_ROWS=0
FULL_EPOCHS=5
TRANSFORM_RUNS=5
PARTS="1 2"
CONFIGS="vae-float32 vae-bfloat16 torch-float32 torch-bfloat16"
OUT="$ROOT/out/bf16-bench"
DATA="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --full-rows) FULL_ROWS="$2"; shift 2 ;;
    --full-epochs) FULL_EPOCHS="$2"; shift 2 ;;
    --transform-runs) TRANSFORM_RUNS="$2"; shift 2 ;;
    --parts) PARTS="$2"; shift 2 ;;
    --configs) CONFIGS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
/usr/bin/python3 -c "import torch" 2>/dev/null && [ -f "$DATA/train-images-idx3-ubyte.gz" ] \
  || { echo "needs python3-torch, libopenblas0-pthread and dataset-fashion-mnist (apt-get install -y python3-torch libopenblas0-pthread dataset-fashion-mnist)" >&2; exit 2; }
vae_build
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
torch_openblas_env
{
  echo "cpu: $(cpu_summary)"
  echo "environment: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-(unset)}; vae-spark runs with both unset, OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; PyTorch with OPENBLAS_CORETYPE=${BEST_CORE:-(unset)}, 2 threads (OMP and OpenBLAS)"
  echo "libblas.so.3 (PyTorch's BLAS) -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo none)"
  echo "$(java -version 2>&1 | head -n 1); torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
  echo "command: scripts/bf16-bench.sh $ARGS"
} | tee "$OUT/machine.txt"

run() { # part, config, rows (0 = all), epochs
  local part="$1" config="$2" rows="$3" epochs="$4" tag
  tag="\"part\":$part,\"config\":\"$config\",\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\","
  echo "== part $part, run $rep: $config ($([ "$rows" = 0 ] && echo all || echo "$rows") rows, $epochs epochs; load $(cut -d' ' -f1-3 /proc/loadavg))"
  case "$config" in
    vae-*) env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
             bash -c "source '$ROOT/scripts/common.sh'; vae_build; vae_java io.github.vaespark.bench.FashionMnistBench \
               --master 'local[2]' --batch 1024 --epochs $epochs --train-limit $rows --precision ${config#vae-} \
               --transform-runs $TRANSFORM_RUNS --transform-precisions float32,bfloat16 --seed $rep --data '$DATA'" \
               2>>"$OUT/spark.log" ;;
    torch-*) env "${TORCH_ENV[@]}" OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 /usr/bin/python3 "$ROOT/scripts/torch_vae.py" --batch 1024 \
               --epochs "$epochs" --threads 2 --train-limit "$rows" --precision "${config#torch-}" --seed "$rep" \
               --data "$DATA" ;;
    *) echo "unknown configuration $config" >&2; exit 2 ;;
  esac | grep '^{' | sed "s/^{/{$tag/" | tee -a "$RESULTS" | cut -c1-160
}

for part in $PARTS; do
  case "$part" in
    1) rows="$ROWS"; epochs="$EPOCHS" ;;
    2) rows="$FULL_ROWS"; epochs="$FULL_EPOCHS" ;;
    *) echo "unknown part $part (1 or 2)" >&2; exit 2 ;;
  esac
  for rep in $(seq 1 "$REPS"); do
    for config in $CONFIGS; do
      run "$part" "$config" "$rows" "$epochs"
    done
  done
done
/usr/bin/python3 "$ROOT/scripts/bf16_bench_report.py" "$RESULTS" | tee "$OUT/report.txt"
