#!/usr/bin/env bash
# The exchange on a network: a standalone cluster whose workers (1 core each) and driver each run in
# their own network namespace, every link shaped by tc (scripts/netns-cluster.sh with DRIVER_NS=1),
# trains the Fashion-MNIST model (784-512-256-20, Bernoulli; 1,068,104 parameters = 4.3 MB of
# float32 gradient) with N = 2, 4, 8 executors and each exchange, and prints per-step times from the
# fitted model's history (the last epoch; the first warms the JVMs up):
#   workload "exchange": 2 rows per executor per step, so the computation is negligible and the step
#                        is the exchange (plus the update);
#   workload "train":    global batch 1024 (on this 2-core machine N executors share 2 cores, so the
#                        computation of N > 2 is slower than on N machines: read compute_ms apart).
# The driver's link is as narrow as an executor's, as on a real cluster.
#
# Usage: scripts/exchange-bench.sh [--tasks "2 4 8"] [--rates "1gbit 10gbit"] [--modes "barrier peer"]
#                                  [--workloads "exchange train"] [--layers 512,256] [--latent 20] [--out FILE.tsv]
#                                  [--exchange-precision float32|bfloat16]
# --exchange-precision bfloat16 trains with exchangePrecision=bfloat16 (gradient pieces sent as
# bfloat16); its rows say "peer+bf16" / "barrier+bf16" in the mode column.
# --layers 8 --latent 2 gives a model of 13,396 parameters (54 kB): its exchange measures the cost
# per message rather than per byte.
# TBF_LATENCY (netns-cluster.sh) sets the links' buffers. Needs root and iproute2 (exits 77
# otherwise). Takes 1-4 minutes per run. Also prints each shaped link's drops (tc) after a run.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TASKS="2 4 8"
RATES="1gbit"
MODES="barrier peer"
WORKLOADS="exchange train"
LAYERS=512,256
LATENT=20
EXCHANGE_PRECISION=float32
OUT="$ROOT/out/exchange-bench.tsv"
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) TASKS="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --workloads) WORKLOADS="$2"; shift 2 ;;
    --layers) LAYERS="$2"; shift 2 ;;
    --latent) LATENT="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --exchange-precision) EXCHANGE_PRECISION="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
IMAGES=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
[ -f "$IMAGES" ] || { echo "needs Debian's dataset-fashion-mnist ($IMAGES)" >&2; exit 1; }
MAX_TASKS=0
for n in $TASKS; do [ "$n" -gt "$MAX_TASKS" ] && MAX_TASKS=$n; done

vae_build
WORK="$ROOT/out/exchange-bench"
mkdir -p "$WORK" "$(dirname "$OUT")"
echo "CPU: $(cpu_summary); kernel $(uname -r); executors' BLAS core: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(auto)}, links: $RATES with a ${TBF_LATENCY:-5ms} buffer"
echo -e "rate\tworkload\tmode\ttasks\tparams\tsteps\tstep_ms\tcompute_ms\texchange_ms\tupdate_ms\tlaunch_s\tepoch_s" > "$OUT"

cleanup() { CLUSTER_DIR="$WORK/cluster" "$ROOT/scripts/netns-cluster.sh" down >/dev/null 2>&1 || true; }
trap cleanup EXIT

for rate in $RATES; do
  status=0
  master="$(HOST_COUNT=$MAX_TASKS DRIVER_NS=1 RATE=$rate WORKER_MEMORY=1200m CLUSTER_DIR="$WORK/cluster" \
    "$ROOT/scripts/netns-cluster.sh" up)" || status=$?
  [ "$status" -eq 77 ] && exit 77
  [ "$status" -ne 0 ] && { echo "the cluster did not start" >&2; exit 1; }
  for workload in $WORKLOADS; do
    for n in $TASKS; do
      if [ "$workload" = exchange ]; then batch=$((2 * n)); rows=$((60 * batch)); epochs=3
      else batch=1024; rows=$((16 * 1024)); epochs=2; fi
      for mode in $MODES; do
        label="$mode"
        [ "$EXCHANGE_PRECISION" = float32 ] || label="$mode+bf16"
        model="$WORK/model-$rate-$workload-$label-$n-$LAYERS"
        log="$WORK/log-$rate-$workload-$label-$n-$LAYERS.txt"
        # shellcheck disable=SC2086
        if ! ip netns exec vae-d env SPARK_LOCAL_IP=10.213.47.2 SPARK_LOCAL_HOSTNAME=10.213.47.2 \
            OPENBLAS_NUM_THREADS=1 java -Xmx3g $JVM_OPTS $(vae_log_opts) \
            -cp "$(cat "$MODULE/target/spark-classpath.txt")" org.apache.spark.deploy.SparkSubmit \
            --master "$master" --deploy-mode client --conf spark.driver.host=10.213.47.2 \
            --conf spark.driver.bindAddress=10.213.47.2 --conf spark.cores.max="$n" \
            --conf spark.executor.cores=1 --conf spark.executor.memory=1g \
            --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1 --conf spark.default.parallelism="$n" \
            --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
            --conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s \
            --class io.github.vaespark.cli.VaeJob "$(vae_jar)" train --input "$IMAGES" --format idx \
            --limit "$rows" --model "$model" --overwrite --encoder-layers "$LAYERS" --latent-dim "$LATENT" \
            --likelihood bernoulli --batch-size "$batch" --max-epochs "$epochs" --max-partitions "$n" \
            --exchange-mode "$mode" --exchange-precision "$EXCHANGE_PRECISION" --seed 1 > "$log" 2>&1; then
          echo "run $rate $workload $mode N=$n failed; see $log" >&2
          tail -n 20 "$log" >&2
          continue
        fi
        params="$(grep -o -m1 '([0-9]* parameters)' "$log" | tr -dc '0-9')"
        python3 - "$model.history.json" "$rate" "$workload" "$label" "$n" "$params" >> "$OUT" <<'PY'
import json, sys
path, rate, workload, label, n, params = sys.argv[1:]
h = json.load(open(path))["history"][-1]
steps = h["steps"]
ms = lambda k: 1000 * h[k] / steps
step = ms("computeSeconds") + ms("exchangeSeconds") + ms("updateSeconds")
mode = h['exchangeMode'] + label[len(label.split('+')[0]):]  # the mode that ran, plus "+bf16"
print(f"{rate}\t{workload}\t{mode}\t{n}\t{params}\t{steps}\t{step:.1f}\t{ms('computeSeconds'):.1f}\t"
      f"{ms('exchangeSeconds'):.1f}\t{ms('updateSeconds'):.1f}\t{h['launchSeconds']:.2f}\t{h['seconds']:.2f}")
PY
        tail -n 1 "$OUT"
        drops=0
        for dev in $(ls /sys/class/net | grep -E '^vae-(h[0-9]+|d)-br$'); do
          d="$(tc -s qdisc show dev "$dev" | grep -o 'dropped [0-9]*' | awk '{s+=$2} END {print s+0}')"
          drops=$((drops + d))
        done
        echo "  packets dropped so far at the shaped bridge ports: $drops"
      done
    done
  done
  cleanup
done
echo
column -t -s $'\t' "$OUT"
