#!/usr/bin/env bash
# Quality of table models: on a generated mixed table with known structure and on Palmer penguins
# (Debian r-cran-palmerpenguins), fits a table VAE, samples as many rows as it trained on and prints
# one JSON line per table: column shapes and pair dependence against the independent-columns
# baseline and a fresh real sample (and the share of that gap recovered), null-rate gaps,
# imputation against mean/mode imputation, the anomaly score's AUC (mixed table), the CPU and BLAS.
# Usage: scripts/tabular-quality.sh [--rows N] [--epochs N] [--tables "mixed penguins"] [--maskRate R] [other bench options]
source "$(dirname "$0")/common.sh"
TABLES="mixed penguins"
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) TABLES="$2"; shift 2 ;;
    *) ARGS+=("$1" "$2"); shift 2 ;;
  esac
done
vae_build
for t in $TABLES; do
  extra=()
  if [ "$t" = penguins ]; then extra=(--epochs 300 --batch 32 --layers 64,64 --latent 4); fi
  vae_java io.github.vaespark.bench.TabularQualityBench --table "$t" "${extra[@]}" "${ARGS[@]}" 2>/dev/null | grep '^{'
done
