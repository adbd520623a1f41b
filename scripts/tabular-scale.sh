#!/usr/bin/env bash
# Table models at scale (20 mixed columns with nulls, see bench/WideTables): training on 1,000,000
# rows (whole-fit time, rows/s, share of each epoch outside the executors' computation), then
# sampling 10^7 rows to Parquet in a JVM whose heap (driver and local executors together) is capped
# at 512 MB, next to writing 10^7 rows of 20 rand() columns; and transform of 400,000 rows to Parquet
# against a plain Parquet copy. One JSON line each.
# Usage: scripts/tabular-scale.sh [--train-rows N] [--sample-rows N] [--epochs N]
source "$(dirname "$0")/common.sh"
TRAIN_ROWS=1000000
SAMPLE_ROWS=10000000
EPOCHS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --train-rows) TRAIN_ROWS="$2"; shift 2 ;;
    --sample-rows) SAMPLE_ROWS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
vae_build
vae_java io.github.vaespark.bench.TabularScaleBench --mode train --rows "$TRAIN_ROWS" --epochs "$EPOCHS" 2>/dev/null | grep '^{'
vae_java io.github.vaespark.bench.TabularScaleBench --mode transform --rows 400000 2>/dev/null | grep '^{'
VAE_HEAP=-Xmx512m vae_java io.github.vaespark.bench.TabularScaleBench --mode sample --rows "$SAMPLE_ROWS" 2>/dev/null | grep '^{'
rm -rf /tmp/vae-tabular-bench
