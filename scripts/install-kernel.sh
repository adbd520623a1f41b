#!/usr/bin/env bash
# Installs the Jupyter kernel spec "vae-spark-java": the rapaio-jupyter-kernel (a JShell-based Java
# kernel fetched from Maven Central) running on the project's JDK with Spark's JVM options
# (target/jvm.options), -Djava.awt.headless=true, and the library jar plus Spark's jars on its class path.
#
# Usage: scripts/install-kernel.sh [KERNELS_DIR]
#   KERNELS_DIR  where the spec folder goes; default: $JUPYTER_DATA_DIR/kernels, else
#                ~/.local/share/jupyter/kernels (the per-user kernel dir Jupyter searches).
# Environment:
#   VAE_KERNEL_NAME   kernel spec name (default vae-spark-java; notebooks refer to it)
#   VAE_KERNEL_JAVA   java executable (default $JAVA_HOME/bin/java, else java on PATH; needs 17+)
#   VAE_KERNEL_HEAP   heap option (default -Xmx4g)
#   VAE_RJK_VERSION   rapaio-jupyter-kernel version (default 3.0.1)
#   VAE_KERNEL_LOG_LEVEL  log4j2 root level inside the kernel (default warn)
#
# The class path and JVM options are written into the installed kernel.json (machine-specific, never
# committed), so notebooks need no %jar magic and carry no absolute paths. Re-run after the
# dependencies change; scripts/run-notebooks.sh does so every time.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KERNEL_NAME="${VAE_KERNEL_NAME:-vae-spark-java}"
RJK_VERSION="${VAE_RJK_VERSION:-3.0.1}"
RJK_ARTIFACT="io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION"
KERNELS_DIR="${1:-${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels}"
SPEC_DIR="$KERNELS_DIR/$KERNEL_NAME"

if [ -n "${VAE_KERNEL_JAVA:-}" ]; then
  JAVA_BIN="$VAE_KERNEL_JAVA"
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA_BIN="$JAVA_HOME/bin/java"
else
  JAVA_BIN="$(command -v java)"
fi
java_major="$("$JAVA_BIN" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  echo "install-kernel.sh: $JAVA_BIN is Java '${java_major:-?}', the kernel needs 17 or newer" >&2
  exit 1
fi

PYTHON="${VAE_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}"

vae_build  # library jar, target/jvm.options, target/classpath.txt; sets JVM_OPTS

mkdir -p "$SPEC_DIR"
rm -f "$SPEC_DIR"/rapaio-jupyter-kernel-*.jar
# Runs outside the project so Maven does not load its pom; uses ~/.m2 when the jar is already there.
if ! mvn_log="$(cd "$SPEC_DIR" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="$RJK_ARTIFACT" -DoutputDirectory="$SPEC_DIR" 2>&1)"; then
  echo "$mvn_log" >&2
  echo "install-kernel.sh: could not fetch $RJK_ARTIFACT from Maven" >&2
  exit 1
fi
KERNEL_JAR="$SPEC_DIR/rapaio-jupyter-kernel-$RJK_VERSION.jar"
[ -f "$KERNEL_JAR" ] || { echo "install-kernel.sh: $RJK_ARTIFACT was not fetched" >&2; exit 1; }

# Fix for a start-up race in the kernel's LoopThread (see scripts/kernel/LoopThread.java): the fixed class
# comes before the kernel jar on the class path.
JAVAC_BIN="$(dirname "$(readlink -f "$JAVA_BIN")")/javac"
[ -x "$JAVAC_BIN" ] || JAVAC_BIN="$(command -v javac)"
rm -rf "$SPEC_DIR/patch"
"$JAVAC_BIN" --release 17 -nowarn -cp "$KERNEL_JAR" -d "$SPEC_DIR/patch" "$ROOT/scripts/kernel/LoopThread.java"

# Logging configuration found first on the class path. The kernel reads "logging.properties" as a class
# path resource and its own sets java.util.logging to FINEST: Spark routes j.u.l. into SLF4J, and Janino's
# FINER tracing of Spark's generated code then crashes in the bridge ("Failed to compile the generated
# Java code", StringIndexOutOfBoundsException in Descriptor.toClassName). log4j2.properties keeps Spark's
# INFO chatter out of the notebook outputs.
mkdir -p "$SPEC_DIR/conf"
cat > "$SPEC_DIR/conf/logging.properties" <<'EOF_JUL'
handlers = java.util.logging.ConsoleHandler
.level = INFO
java.util.logging.ConsoleHandler.level = INFO
java.util.logging.ConsoleHandler.formatter = java.util.logging.SimpleFormatter
java.util.logging.SimpleFormatter.format = [%1$tF %1$tT] [%4$-7s] %5$s %n
EOF_JUL
sed "s/^rootLogger.level = .*/rootLogger.level = ${VAE_KERNEL_LOG_LEVEL:-warn}/" \
  "$ROOT/scripts/conf/log4j2.properties" > "$SPEC_DIR/conf/log4j2.properties"

# The project's jars go on the JVM class path (not only on JShell's): Spark then loads everything from
# the application class loader, and JShell's compiler sees java.class.path. They come before the kernel
# jar, which bundles unshaded commons-codec/httpclient, so Spark gets the versions it was built with.
CLASSPATH_ALL="$SPEC_DIR/patch:$SPEC_DIR/conf:$(vae_jar):$(cat "$MODULE/target/classpath.txt"):$KERNEL_JAR"

# shellcheck disable=SC2086  # JVM_OPTS is a whitespace-separated option list
KERNEL_NAME="$KERNEL_NAME" SPEC_DIR="$SPEC_DIR" JAVA_BIN="$JAVA_BIN" CLASSPATH_ALL="$CLASSPATH_ALL" \
"$PYTHON" - ${VAE_KERNEL_HEAP:--Xmx4g} -Djava.awt.headless=true $JVM_OPTS <<'EOF'
import json, os, sys
env = os.environ
spec = {
    "argv": [env["JAVA_BIN"], *sys.argv[1:], "-cp", env["CLASSPATH_ALL"],
             "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
    "display_name": "Java (vae-spark)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "RJK_CLASSPATH": "",
        "RJK_COMPILER_OPTIONS": "",
        "RJK_INIT_SCRIPT": "",
        "RJK_TIMEOUT_MILLIS": "-1",
        "RJK_MIMA_CACHE": os.path.join(env["SPEC_DIR"], "mima_cache"),
        "OPENBLAS_NUM_THREADS": env.get("OPENBLAS_NUM_THREADS", "1"),
        # local[*] sessions need no routable address; avoids Spark's hostname warning
        "SPARK_LOCAL_IP": env.get("SPARK_LOCAL_IP", "127.0.0.1"),
    },
    "metadata": {"vae_spark": {"kernel": "rapaio-jupyter-kernel"}},
}
with open(os.path.join(env["SPEC_DIR"], "kernel.json"), "w") as f:
    json.dump(spec, f, indent=1)
EOF
echo "Installed kernel spec '$KERNEL_NAME' (rapaio-jupyter-kernel $RJK_VERSION, Java $java_major) in $SPEC_DIR" >&2
