#!/usr/bin/env bash
# transform against a plain Parquet copy (issue "scoring at the speed of the data"): for array<float>
# and vector inputs of 32, 128 and 784 features, alternating copy / transform runs, time ratios;
# the same output columns written without a model (the floor Spark itself pays, for both outputs and
# for the latent mean alone); then sample to Parquet against rand() columns. Prints the CPU and the BLAS in use.
# Usage: scripts/transform-bench.sh [--rows 400000] [--dims "32 128 784"] [--kinds "array vector"]
#        [--runs 3] [--sampleRows 1000000 (0: leave sampling out)] [--dir out/transform-bench]
source "$(dirname "$0")/common.sh"
vae_build
cd "$ROOT"
# Like the other benchmarks, the bundled OpenBLAS picks its own kernels (this machine's environment may set a core type).
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
OPENBLAS_NUM_THREADS=1 vae_java io.github.vaespark.bench.TransformCopyBench "$@" 2>/dev/null | grep -v '^\s*$'
