#!/usr/bin/env bash
# How long the synthetic-data quality report (SyntheticDataQuality.compare, also run by the CLI's
# sample --input) takes on wide tables: for each --columns value, a table of that many columns
# (every third a 5-level string) x --rows rows against its independent-columns shuffle, in a fresh
# local[2] JVM; prints one JSON line each with the CPU, the first and a second comparison's seconds.
# Usage: scripts/quality-report-bench.sh [--columns "30 90"] [--rows 20000]
source "$(dirname "$0")/common.sh"
COLUMNS="30 90"
ROWS=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --columns) COLUMNS="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
vae_build
for c in $COLUMNS; do
  OMP_NUM_THREADS=1 vae_java io.github.vaespark.bench.QualityReportBench --columns "$c" --rows "$ROWS" 2>/dev/null | grep '^{'
done
