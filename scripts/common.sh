# Shared helpers for the scripts in this folder; source it, do not run it.
# Sets ROOT, MODULE, JVM_OPTS and provides cpu_summary, torch_openblas_env, vae_build, vae_jar,
# vae_submit, vae_java, and for the test clusters vae_spark_home and vae_daemon.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/vae-spark"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"  # one BLAS thread per Spark task
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"  # one oneDNN (bfloat16 GEMM) thread per Spark task

# One line about this CPU: model, family/model numbers, cores and its widest vector and bfloat16 flags.
cpu_summary() {
  local flags
  flags="$(grep -o -w -E 'avx512f|avx2|avx512_bf16|amx_bf16|amx_tile' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) (family $(grep -m1 '^cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model\s*:' /proc/cpuinfo | cut -d: -f2 | xargs)), $(env -u OMP_NUM_THREADS nproc) cores usable; flags: ${flags:-(none of avx2 avx512f avx512_bf16 amx_bf16)}"
}

# The best core type Debian's OpenBLAS (PyTorch's BLAS) has for this CPU, or "" (it may not
# recognise new CPUs by itself); sets BEST_CORE and TORCH_ENV, the `env` arguments giving it to PyTorch.
torch_openblas_env() {
  if grep -q -w avx512f /proc/cpuinfo; then BEST_CORE=SKYLAKEX; elif grep -q -w avx2 /proc/cpuinfo; then BEST_CORE=HASWELL; else BEST_CORE=""; fi
  TORCH_ENV=(-u OPENBLAS_L2_SIZE)
  if [ -n "$BEST_CORE" ]; then TORCH_ENV+=(OPENBLAS_CORETYPE="$BEST_CORE"); else TORCH_ENV+=(-u OPENBLAS_CORETYPE); fi
}

# Builds the library jar, test classes and class-path files (no tests) unless they are there.
vae_build() {
  if [ ! -f "$MODULE/target/jvm.options" ] || [ ! -d "$MODULE/target/test-classes" ] \
      || [ ! -f "$MODULE/target/spark-classpath.txt" ] || [ ! -f "$MODULE/target/classpath.txt" ] \
      || ! ls "$MODULE"/target/vae-spark-*.jar >/dev/null 2>&1 || [ "${VAE_REBUILD:-0}" = 1 ]; then
    echo "Building vae-spark (mvn -DskipTests package)..." >&2
    (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  fi
  JVM_OPTS="$(tr -s ' \n' ' ' < "$MODULE/target/jvm.options")"
}

# JVM options that keep Spark's INFO stream off the console (warnings and errors stay), unless
# VAE_VERBOSE=1 or one of the arguments is --verbose / -v.
vae_log_opts() {
  local a
  for a in "$@"; do
    if [ "$a" = "--verbose" ] || [ "$a" = "-v" ]; then return 0; fi
  done
  [ "${VAE_VERBOSE:-0}" = 1 ] && return 0
  echo "-Dlog4j2.configurationFile=$ROOT/scripts/conf/log4j2.properties"
}

# The library jar built by vae_build.
vae_jar() {
  ls "$MODULE"/target/vae-spark-*.jar | grep -v -E 'sources|original' | head -n 1
}

# Runs Spark's own SparkSubmit (what the spark-submit script runs) on the library jar, with the
# Maven-resolved Spark jars as the Spark installation: vae_submit [spark-submit options] -- job args.
vae_submit() {
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  # shellcheck disable=SC2086
  java ${VAE_HEAP:--Xmx8g} $JVM_OPTS $(vae_log_opts "$@") -cp "$(cat "$MODULE/target/spark-classpath.txt")" \
    org.apache.spark.deploy.SparkSubmit --class io.github.vaespark.cli.VaeJob "${opts[@]}" "$(vae_jar)" "$@"
}

# Runs a main class with Spark, the library and the test classes on the class path.
vae_java() {
  local main="$1"; shift
  # shellcheck disable=SC2086
  java ${VAE_HEAP:--Xmx8g} $JVM_OPTS -cp "$MODULE/target/classes:$MODULE/target/test-classes:$(cat "$MODULE/target/classpath.txt")" \
    "$main" "$@"
}

# A Spark home whose jars/ are the Maven-resolved Spark jars (target/spark-home); the workers build
# executor class paths from it, as they would from a Spark distribution. Exports SPARK_HOME,
# SPARK_SCALA_VERSION and SPARK_CONF_DIR (an empty $CLUSTER_DIR/conf). Needs vae_build and CLUSTER_DIR.
vae_spark_home() {
  SPARK_HOME="$MODULE/target/spark-home"
  rm -rf "$SPARK_HOME/jars"
  mkdir -p "$SPARK_HOME/jars"
  local jars jar
  IFS=':' read -r -a jars < "$MODULE/target/spark-classpath.txt" || true  # no final newline: read says EOF
  for jar in "${jars[@]}"; do
    ln -sf "$jar" "$SPARK_HOME/jars/$(basename "$jar")"
  done
  echo "Spark (Maven-resolved jars) for vae-spark's test cluster" > "$SPARK_HOME/RELEASE"
  SPARK_CONF_DIR="$CLUSTER_DIR/conf"
  mkdir -p "$SPARK_CONF_DIR"
  export SPARK_HOME SPARK_SCALA_VERSION=2.13 SPARK_CONF_DIR
}

# Starts a Spark daemon (master or worker) JVM in the background, its output in
# $CLUSTER_DIR/logs/NAME.log and its process id in $CLUSTER_DIR/pids/NAME.pid:
#   vae_daemon NAME [COMMAND PREFIX...] -- MAIN_CLASS [ARGS...]
# The prefix (e.g. `ip netns exec h1 env SPARK_LOCAL_IP=...`) must exec the JVM, so that the
# recorded process id is the JVM's.
vae_daemon() {
  local name="$1"; shift
  local prefix=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do prefix+=("$1"); shift; done
  shift
  mkdir -p "$CLUSTER_DIR/logs" "$CLUSTER_DIR/pids"
  # shellcheck disable=SC2086  # JVM_OPTS is a whitespace-separated option list
  nohup "${prefix[@]}" java -Xmx512m $JVM_OPTS -cp "$SPARK_HOME/jars/*" "$@" > "$CLUSTER_DIR/logs/$name.log" 2>&1 &
  echo $! > "$CLUSTER_DIR/pids/$name.pid"
}
