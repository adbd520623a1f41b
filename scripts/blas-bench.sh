#!/usr/bin/env bash
# The BLAS choices of spark.vaespark.blas side by side on this CPU: 1024x1024 float32 GEMM on one
# thread through netlib (what one Spark task runs), each choice in a JVM of its own since netlib
# reads its settings once per JVM. "system" is whatever libblas.so.3 is (Debian's OpenBLAS once
# libopenblas0-pthread is installed; the script does not install it). About 30 s.
# Usage: scripts/blas-bench.sh [--seconds S] [--choices "bundled system java"]
source "$(dirname "$0")/common.sh"
SECONDS_PER_RUN=2
CHOICES="bundled system java"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --choices) CHOICES="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
vae_build
echo "cpu: $(cpu_summary)"
echo "libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo none)"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)}"
for choice in $CHOICES; do
  vae_java io.github.vaespark.bench.BlasBench --blas "$choice" --seconds "$SECONDS_PER_RUN" 2>/dev/null | grep '^{'
done
