#!/usr/bin/env bash
# transform (Spark local[2]) against ONNX Runtime (2 intra-op threads) running the same model's
# exported encoder + decoder on Fashion-MNIST's 60,000 training images, alternating runs.
# Prints the CPU, the BLAS in use, rows/s of each run and the median ratio.
# Usage: scripts/onnx-bench.sh [--runs N] [--batch N]
source "$(dirname "$0")/common.sh"
vae_build
OPENBLAS_NUM_THREADS=1 vae_java io.github.vaespark.bench.OnnxBench "$@" 2>/dev/null | grep -v '^\s*$'
