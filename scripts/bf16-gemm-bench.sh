#!/usr/bin/env bash
# Issue 17 spike: the VAE's GEMM shapes (784-512-256-40, batch 1024, and 1024³) as (a) float32
# sgemm through the bundled OpenBLAS, (b) oneDNN f32, (c) oneDNN bf16 x bf16 -> f32, (d) (c) plus
# the Java float32 -> bf16 conversion of both inputs, (e) (d) plus copying C between float[] and
# native memory, (f, g) oneDNN f32 with fpmath_mode bf16, (h) (e) with the conversion done by oneDNN
# reorders; GFLOP/s medians on 1 and 2 threads, one child JVM per thread count. Prints the CPU, the
# oneDNN version and the ISA it dispatches to (its verbose info lines). About 2.5 minutes; run it on
# an otherwise idle machine (it prints /proc/loadavg before and after each thread count).
# An OPENBLAS_CORETYPE in the environment (e.g. Haswell) caps (a) at that core's kernels; prefix
# `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` to compare with OpenBLAS's own choice.
# Usage: scripts/bf16-gemm-bench.sh [--threads 1,2] [--reps 9] [--ms 60]
source "$(dirname "$0")/common.sh"
vae_build
unset OPENBLAS_NUM_THREADS  # each child JVM sets it (and OMP_NUM_THREADS) to its thread count
vae_java io.github.vaespark.bench.Bf16GemmBench "$@"
