#!/usr/bin/env bash
# Table models side by side: vae-spark against a TVAE-style PyTorch baseline (scripts/tvae_baseline.py:
# mode-specific normalisation by Bayesian Gaussian mixtures, 128-128 layers, latent 128, 300 epochs at
# batch 500 — the design and defaults of SDV's TVAE, written for this project) on the same training
# rows. Per table and seed: vae-spark fits, samples and is scored (TabularQualityBench, which also
# exports its training rows as CSV); the baseline trains on that CSV on the same cores and samples as
# many rows; TabularQualityBench scores its CSV against the same training rows and fresh sample.
# Prints one JSON line per implementation (column shapes, pair dependence and the share of the
# independent-columns-to-fresh-sample gap recovered, null-rate gap, fit seconds), after the CPU.
# Usage: scripts/tvae-baseline.sh [--tables "mixed penguins"] [--seeds "1 2 3"] [--rows N] [--tvae-epochs N] [--tvae-batch N] [--vae-epochs N] [--out DIR]
# (vae-spark trains the generated table 60 epochs at batch 256 and penguins 300 epochs at batch 32 unless --vae-epochs says otherwise)
source "$(dirname "$0")/common.sh"
TABLES="mixed penguins"
SEEDS="1"
ROWS=10000
TVAE_EPOCHS=300
TVAE_BATCH=500
VAE_EPOCHS=""
OUT="${TMPDIR:-/tmp}/vae-tvae-baseline"
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) TABLES="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --tvae-epochs) TVAE_EPOCHS="$2"; shift 2 ;;
    --tvae-batch) TVAE_BATCH="$2"; shift 2 ;;
    --vae-epochs) VAE_EPOCHS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "Unknown option $1" >&2; exit 2 ;;
  esac
done
if ! /usr/bin/python3 -c "import torch, sklearn" 2>/dev/null; then
  echo "Needs PyTorch and scikit-learn for /usr/bin/python3: apt-get install python3-torch python3-sklearn" >&2
  exit 1
fi
vae_build
torch_openblas_env
echo "CPU: $(cpu_summary)"
echo "vae-spark: Spark local[2], OPENBLAS_CORETYPE unset (bundled OpenBLAS detects the CPU); baseline: torch on 2 threads (OpenBLAS 1 thread), OPENBLAS_CORETYPE=${BEST_CORE:-(unset)}"
for t in $TABLES; do
  extra=(--rows "$ROWS")
  if [ "$t" = penguins ]; then extra=(--epochs 300 --batch 32 --layers 64,64 --latent 4); fi
  if [ -n "$VAE_EPOCHS" ]; then extra+=(--epochs "$VAE_EPOCHS"); fi
  for seed in $SEEDS; do
    dir="$OUT/$t-$seed"
    rm -rf "$dir"
    mkdir -p "$dir"
    (unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; vae_java io.github.vaespark.bench.TabularQualityBench --table "$t" \
        --seed "$seed" --export "$dir" "${extra[@]}") 2>"$dir/vae.log" | grep '^{'
    rows="$(grep -c '' "$dir"/train/part-*.csv)"
    # Two torch threads, one OpenBLAS thread: for this small network OpenBLAS's own threads on top of
    # torch's doubled the step time on 2 cores (2026-12-06: 28 against 11 ms a step at batch 500).
    env "${TORCH_ENV[@]}" OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$ROOT/scripts/tvae_baseline.py" \
        --train "$(ls "$dir"/train/part-*.csv)" --types "$(cat "$dir/types.txt")" --rows "$((rows - 1))" \
        --epochs "$TVAE_EPOCHS" --batch "$TVAE_BATCH" --seed "$seed" --threads 2 --out "$dir/synthetic.csv" 2>"$dir/tvae.log" > "$dir/tvae.json"
    scored="$(vae_java io.github.vaespark.bench.TabularQualityBench --table "$t" --seed "$seed" "${extra[@]}" \
        --synthetic "$dir/synthetic.csv" --impl tvae-torch 2>>"$dir/tvae.log" | grep '^{')"
    # One line: the baseline's own figures (fit time, epochs, threads) with the scores.
    /usr/bin/python3 -c 'import json,sys; a=json.loads(sys.argv[1]); a.update(json.load(open(sys.argv[2]))); print(json.dumps(a))' \
        "$scored" "$dir/tvae.json"
  done
done
