#!/usr/bin/env bash
# Stops what scripts/start-cluster.sh started (same CLUSTER_DIR), executors included.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/out/cluster}"
for f in "$CLUSTER_DIR"/pids/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  # Executors are children of the workers: stop them with their worker.
  pkill -TERM -P "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
done
# Executors whose worker died first are orphans still named after this cluster's work dirs.
pkill -KILL -f "CoarseGrainedExecutorBackend.*$CLUSTER_DIR" 2>/dev/null || true
rm -f "$CLUSTER_DIR/master-url"
echo "stopped the cluster in $CLUSTER_DIR"
