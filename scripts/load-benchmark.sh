#!/usr/bin/env bash
# Load benchmark: trains on and transforms a synthetic dataset several times larger than the
# driver's memory, on the standalone cluster of start-cluster.sh (two executor JVMs), with the
# driver JVM capped at --driver-heap. Shows that the driver holds only weights and gradients.
# Usage: scripts/load-benchmark.sh [--rows N] [--dim N] [--driver-heap 512m] [--epochs N]
source "$(dirname "$0")/common.sh"
ROWS=3000000
DIM=128
DRIVER_HEAP=512m
EPOCHS=1
OUT="$ROOT/out/load"
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --dim) DIM="$2"; shift 2 ;;
    --driver-heap) DRIVER_HEAP="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
vae_build
mkdir -p "$OUT"
if [ ! -f "$OUT/data.parquet/_SUCCESS" ] || [ "$(cat "$OUT/data.rows" 2>/dev/null)" != "$ROWS x $DIM" ]; then
  echo "== generating $ROWS rows x $DIM floats"
  VAE_HEAP=-Xmx2g vae_java io.github.vaespark.bench.SyntheticParquet --rows "$ROWS" --dim "$DIM" \
    --output "$OUT/data.parquet" 2>/dev/null
  echo "$ROWS x $DIM" > "$OUT/data.rows"
fi
RAW_MB=$(( ROWS * DIM * 4 / 1000000 ))

export CLUSTER_DIR="$OUT/cluster" MASTER_PORT="${MASTER_PORT:-7177}" MASTER_UI_PORT="${MASTER_UI_PORT:-8180}"
export WORKER_MEMORY=5g
"$(dirname "$0")/stop-cluster.sh" >/dev/null 2>&1 || true
MASTER=$("$(dirname "$0")/start-cluster.sh" | tail -n 1)
trap '"$(dirname "$0")/stop-cluster.sh" >/dev/null' EXIT

submit() { # phase, job args...
  local phase="$1"; shift
  local t0; t0=$(date +%s)
  VAE_HEAP="-Xmx$DRIVER_HEAP -Xlog:gc:file=$OUT/driver-gc-$phase.log" "$(dirname "$0")/spark-submit.sh" \
    --master "$MASTER" --conf spark.driver.host=127.0.0.1 --conf spark.executor.memory=4g \
    --conf spark.executor.cores=1 --conf "spark.executor.extraJavaOptions=$JVM_OPTS" \
    --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1 --class io.github.vaespark.cli.VaeJob "$(vae_jar)" "$@" \
    2> "$OUT/driver-$phase.log"
  echo "$phase: $(( $(date +%s) - t0 )) s"
}
echo "== training on $ROWS rows ($RAW_MB MB as raw float32) with a driver heap of $DRIVER_HEAP"
submit train train --input "$OUT/data.parquet" --model "$OUT/model" --overwrite --latent-dim 16 \
  --encoder-layers 256,128 --batch-size 4096 --max-epochs "$EPOCHS" --step-size 1e-3 | tee "$OUT/train.txt"
echo "== transforming $ROWS rows"
submit transform transform --model "$OUT/model" --input "$OUT/data.parquet" --output "$OUT/transformed.parquet" \
  --overwrite --reconstruction-col "" | tee "$OUT/transform.txt"
for phase in train transform; do
  peak=$(grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)' "$OUT/driver-gc-$phase.log" | sed -E 's/^([0-9]+)M.*/\1/' | sort -n | tail -1)
  after=$(grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)' "$OUT/driver-gc-$phase.log" | sed -E 's/^[0-9]+M->([0-9]+)M.*/\1/' | sort -n | tail -1)
  echo "driver heap during $phase: at most ${peak:-?} MB before a GC, at most ${after:-?} MB live after one (limit $DRIVER_HEAP; data $RAW_MB MB)"
done
grep -h "cachedBytes\|rawFloat32Bytes" "$OUT/model.history.json" | tr -d ' ,' | sed 's/"//g'
