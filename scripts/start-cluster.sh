#!/usr/bin/env bash
# Starts a Spark standalone cluster on 127.0.0.1: one master and two workers, each its own JVM,
# built from the Maven-resolved Spark jars (target/spark-home). Prints the master URL.
# Environment: CLUSTER_DIR (state, logs; default out/cluster), MASTER_PORT (7077),
# MASTER_UI_PORT (8080), WORKER_CORES (1), WORKER_MEMORY (2g), WORKERS (2).
source "$(dirname "$0")/common.sh"
vae_build

CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/out/cluster}"
MASTER_PORT="${MASTER_PORT:-7077}"
MASTER_UI_PORT="${MASTER_UI_PORT:-8080}"
WORKERS="${WORKERS:-2}"
mkdir -p "$CLUSTER_DIR/logs" "$CLUSTER_DIR/pids"
if ls "$CLUSTER_DIR"/pids/*.pid >/dev/null 2>&1; then
  echo "A cluster seems to run already (pids in $CLUSTER_DIR/pids); run scripts/stop-cluster.sh first." >&2
  exit 1
fi

vae_spark_home
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1

MASTER="spark://127.0.0.1:$MASTER_PORT"
vae_daemon master -- org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MASTER_PORT" \
  --webui-port "$MASTER_UI_PORT"
for _ in $(seq 1 60); do
  grep -q "I have been elected leader" "$CLUSTER_DIR/logs/master.log" 2>/dev/null && break
  sleep 1
done
for i in $(seq 1 "$WORKERS"); do
  vae_daemon "worker-$i" -- org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "${WORKER_CORES:-1}" \
    --memory "${WORKER_MEMORY:-2g}" --webui-port 0 --work-dir "$CLUSTER_DIR/work-$i" "$MASTER"
done
for _ in $(seq 1 60); do
  alive=$(grep -c "Registering worker" "$CLUSTER_DIR/logs/master.log" 2>/dev/null || true)
  [ "${alive:-0}" -ge "$WORKERS" ] && break
  sleep 1
done
if [ "${alive:-0}" -lt "$WORKERS" ]; then
  echo "The workers did not register; see $CLUSTER_DIR/logs" >&2
  "$(dirname "$0")/stop-cluster.sh"
  exit 1
fi
echo "$MASTER" > "$CLUSTER_DIR/master-url"
echo "$MASTER"
