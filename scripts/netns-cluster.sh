#!/usr/bin/env bash
# A Spark standalone cluster of three "hosts" on one machine, through Linux network namespaces:
# the master (and later the driver) in the root namespace on the bridge vaebr0 (10.213.47.1/24), and
# one worker (1 core) in each of the namespaces vae-h1 (10.213.47.11) and vae-h2 (10.213.47.12),
# each joined to the bridge by a veth pair (vae-h1-br / vae-h2-br on the bridge side). Executors
# run in their worker's namespace, so every byte between driver and executors crosses the bridge;
# `ip link set vae-h2-br down` cuts host 2 off. Only addresses of 10.213.47.0/24 that this script
# creates are used.
#
# Usage: scripts/netns-cluster.sh up     starts it (after a `down` of any leftovers); prints the master URL
#        scripts/netns-cluster.sh down   stops the JVMs and deletes namespaces, veths and bridge (idempotent)
# Environment: HOST_COUNT (worker hosts vae-h1 … vae-hN at 10.213.47.11 …; default 2, at most 40),
#   DRIVER_NS (1: also a namespace vae-d at 10.213.47.2 with a shaped veth like the workers', for a
#   driver whose link is as narrow as an executor's: run it with `ip netns exec vae-d …`),
#   CLUSTER_DIR (state, logs; default out/netns-cluster), MASTER_PORT (7177),
#   MASTER_UI_PORT (0: any), WORKER_MEMORY (2g), RATE (tbf rate on every veth, both directions;
#   default 1gbit; "none": no shaping), TBF_LATENCY (how long a packet may queue at a shaped link
#   before it is dropped, i.e. the port's buffer: default 5ms). The kernels checked have tbf/htb but not netem, so added
#   delay and packet loss are not emulated.
# Needs root (CAP_NET_ADMIN) and iproute2; exits with 77 when network namespaces cannot be created.
# One such cluster per machine: the names and addresses are fixed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BRIDGE=vaebr0
SUBNET_PREFIX=10.213.47
MASTER_IP="$SUBNET_PREFIX.1"
HOST_COUNT="${HOST_COUNT:-2}"
HOSTS=()
HOST_IPS=()
for ((h = 1; h <= HOST_COUNT; h++)); do
  HOSTS+=("vae-h$h")
  HOST_IPS+=("$SUBNET_PREFIX.$((10 + h))")
done
DRIVER_NS="${DRIVER_NS:-0}"
DRIVER_HOST=vae-d
DRIVER_IP="$SUBNET_PREFIX.2"
CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/out/netns-cluster}"
MASTER_PORT="${MASTER_PORT:-7177}"
MASTER_UI_PORT="${MASTER_UI_PORT:-0}"
RATE="${RATE:-1gbit}"
TBF_LATENCY="${TBF_LATENCY:-5ms}"
SKIPPED=77

say() { echo "netns-cluster.sh: $*" >&2; }

# Stops a JVM this script started (its pid file), waiting up to 10 s before SIGKILL.
stop_pid_file() {
  local f="$1" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

down() {
  local ns pids
  set +e
  # Whatever an earlier `up` created, whatever its HOST_COUNT and DRIVER_NS.
  local created=()
  for ns in /run/netns/vae-h* "/run/netns/$DRIVER_HOST"; do
    [ -e "$ns" ] && created+=("$(basename "$ns")")
  done
  # Workers and their executors: every process inside the namespaces this script created.
  for ns in "${created[@]}"; do
    [ -e "/run/netns/$ns" ] || continue
    pids="$(ip netns pids "$ns" 2>/dev/null)"
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -TERM $pids 2>/dev/null
  done
  for _ in $(seq 1 20); do
    pids=""
    for ns in "${created[@]}"; do pids="$pids$(ip netns pids "$ns" 2>/dev/null)"; done
    [ -z "$pids" ] && break
    sleep 0.5
  done
  for ns in "${created[@]}"; do
    pids="$(ip netns pids "$ns" 2>/dev/null)"
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  done
  rm -f "$CLUSTER_DIR"/pids/worker-*.pid
  stop_pid_file "$CLUSTER_DIR/pids/master.pid"
  for ns in "${created[@]}"; do
    ip link del "$ns-br" 2>/dev/null       # deletes the namespace end of the pair too
    ip netns del "$ns" 2>/dev/null
  done
  ip link del "$BRIDGE" 2>/dev/null
  rm -f "$CLUSTER_DIR/master-url"
  set -e
  say "stopped; namespaces ${created[*]}, their veths and bridge $BRIDGE removed"
}

# A namespace joined to the bridge by a veth pair, with the address given; both ends shaped to RATE.
add_host() {
  local ns="$1" ip="$2"
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  ip link add "$ns-br" type veth peer name "$ns-eth"
  ip link set "$ns-eth" netns "$ns"
  ip link set "$ns-br" master "$BRIDGE"
  ip link set "$ns-br" up
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip addr add "$ip/24" dev "$ns-eth"
  ip netns exec "$ns" ip link set "$ns-eth" up
  if [ "$RATE" != none ]; then  # tbf shapes egress: both ends, so both directions
    tc qdisc add dev "$ns-br" root tbf rate "$RATE" burst 256kb latency "$TBF_LATENCY"
    ip netns exec "$ns" tc qdisc add dev "$ns-eth" root tbf rate "$RATE" burst 256kb latency "$TBF_LATENCY"
  fi
}

network_up() {
  if [ "$(id -u)" -ne 0 ]; then
    say "SKIPPED: needs root to create network namespaces (running as uid $(id -u))"
    exit "$SKIPPED"
  fi
  if ! command -v ip >/dev/null || ! command -v tc >/dev/null; then
    say "SKIPPED: needs iproute2 (ip, tc) to create network namespaces"
    exit "$SKIPPED"
  fi
  local err
  if ! err="$(ip netns add "${HOSTS[0]}" 2>&1)"; then
    say "SKIPPED: needs root to create network namespaces: 'ip netns add ${HOSTS[0]}' failed: $err"
    exit "$SKIPPED"
  fi
  if [ -n "$(ip -4 route show to match "$MASTER_IP" | grep -v '^default' || true)" ]; then
    say "the test subnet $SUBNET_PREFIX.0/24 is routed already on this machine: $(ip -4 route show to match "$MASTER_IP" | grep -v '^default' | head -n 1)"
    return 1
  fi
  ip link add "$BRIDGE" type bridge forward_delay 0
  ip addr add "$MASTER_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local i
  for i in "${!HOSTS[@]}"; do
    add_host "${HOSTS[$i]}" "${HOST_IPS[$i]}"
  done
  # Each namespace reaches the bridge address over TCP (no ping on these machines).
  for i in "${!HOSTS[@]}"; do
    ip netns exec "${HOSTS[$i]}" ip -4 route get "$MASTER_IP" >/dev/null
  done
  if [ "$DRIVER_NS" = 1 ]; then
    add_host "$DRIVER_HOST" "$DRIVER_IP"
    ip netns exec "$DRIVER_HOST" ip -4 route get "$MASTER_IP" >/dev/null
  fi
  say "network up: $BRIDGE $MASTER_IP/24, ${#HOSTS[@]} hosts ${HOST_IPS[0]}…${HOST_IPS[${#HOST_IPS[@]}-1]}$([ "$DRIVER_NS" = 1 ] && echo ", driver host $DRIVER_HOST $DRIVER_IP"), rate $RATE"
}

cluster_up() {
  vae_build
  mkdir -p "$CLUSTER_DIR/logs" "$CLUSTER_DIR/pids"
  vae_spark_home
  local master="spark://$MASTER_IP:$MASTER_PORT" i ns alive=0
  # Each JVM binds to and advertises its own host's address; executors inherit their worker's.
  SPARK_LOCAL_IP="$MASTER_IP" SPARK_LOCAL_HOSTNAME="$MASTER_IP" \
    vae_daemon master -- org.apache.spark.deploy.master.Master --host "$MASTER_IP" --port "$MASTER_PORT" \
    --webui-port "$MASTER_UI_PORT"
  for _ in $(seq 1 60); do
    grep -q "I have been elected leader" "$CLUSTER_DIR/logs/master.log" 2>/dev/null && break
    sleep 1
  done
  for i in "${!HOSTS[@]}"; do
    ns="${HOSTS[$i]}"
    vae_daemon "worker-$((i + 1))" ip netns exec "$ns" \
      env SPARK_LOCAL_IP="${HOST_IPS[$i]}" SPARK_LOCAL_HOSTNAME="${HOST_IPS[$i]}" -- \
      org.apache.spark.deploy.worker.Worker --host "${HOST_IPS[$i]}" --cores 1 \
      --memory "${WORKER_MEMORY:-2g}" --webui-port 0 --work-dir "$CLUSTER_DIR/work-$((i + 1))" "$master"
  done
  for _ in $(seq 1 90); do
    alive=$(grep -c "Registering worker" "$CLUSTER_DIR/logs/master.log" 2>/dev/null || true)
    [ "${alive:-0}" -ge "${#HOSTS[@]}" ] && break
    sleep 1
  done
  if [ "${alive:-0}" -lt "${#HOSTS[@]}" ]; then
    say "the workers did not register with $master; see $CLUSTER_DIR/logs"
    tail -n 20 "$CLUSTER_DIR"/logs/*.log >&2 || true
    return 1
  fi
  echo "$master" > "$CLUSTER_DIR/master-url"
  echo "$master"
}

case "${1:-}" in
  up)
    down
    # A failure half-way removes whatever was created (exit 77 included: the first namespace).
    trap 'status=$?; if [ "$status" -ne 0 ]; then down; fi; exit "$status"' EXIT
    network_up
    cluster_up
    ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
