#!/usr/bin/env bash
# Submits the VAE job to the standalone cluster of scripts/start-cluster.sh with Spark's own
# SparkSubmit: trains on (a slice of) Fashion-MNIST, then transforms the test images.
# Usage: scripts/submit-example.sh [--rows N] [--epochs N] [--out DIR]
source "$(dirname "$0")/common.sh"
CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/out/cluster}"
DATA="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
ROWS=10000
EPOCHS=3
OUT="$ROOT/out/cluster-example"
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
MASTER="$(cat "$CLUSTER_DIR/master-url" 2>/dev/null)" || { echo "No cluster: run scripts/start-cluster.sh" >&2; exit 1; }
vae_build
mkdir -p "$OUT"
JAR="$(vae_jar)"
SUBMIT=("$(dirname "$0")/spark-submit.sh" --master "$MASTER" --deploy-mode client
  --conf spark.driver.host=127.0.0.1 --conf spark.executor.memory=1g --conf spark.executor.cores=1
  --conf "spark.executor.extraJavaOptions=$JVM_OPTS" --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1
  --class io.github.vaespark.cli.VaeJob "$JAR")
"${SUBMIT[@]}" train --input "$DATA/train-images-idx3-ubyte.gz" --labels "$DATA/train-labels-idx1-ubyte.gz" \
  --limit "$ROWS" --model "$OUT/model" --overwrite --likelihood bernoulli --encoder-layers 256,128 \
  --latent-dim 10 --batch-size 256 --max-epochs "$EPOCHS"
"${SUBMIT[@]}" transform --model "$OUT/model" --input "$DATA/t10k-images-idx3-ubyte.gz" \
  --labels "$DATA/t10k-labels-idx1-ubyte.gz" --output "$OUT/test-transformed.parquet" --overwrite
