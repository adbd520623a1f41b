#!/usr/bin/env bash
# Checks the Zeppelin notes (notebooks/*.zpln) without Zeppelin: for each note, its %spark (Scala)
# paragraphs are put in order into one Scala program (scripts/zeppelin_note.py: object ZeppelinNote
# with the `spark`, `sc` and `sqlContext` values and the imports Zeppelin's Spark interpreter gives
# paragraphs), compiled with the project's Scala 2.13 compiler against the library jar and Spark's jars
# (what a Zeppelin with spark.jars set sees), and then run in local[*] with the note's small data size
# (VAE_NOTE_SMALL=true). Fails (exit 1) when a note's committed form is wrong (invalid JSON, committed
# results, machine paths, no setup paragraph), a paragraph does not compile (e.g. a renamed method), the
# program fails, or it prints no picture. The program's output goes to out/zeppelin/<note>.out and the
# pictures it prints (`%html <img src="data:image/png;base64,...">`) to out/zeppelin/<note>-N.png.
#
# Usage: scripts/check-zeppelin-note.sh [--compile-only] [NOTE.zpln...]   (default: notebooks/*.zpln)
# Environment: VAE_NOTE_SMALL       passed to the note (default true: 10,000/2,000 rows, 8 epochs)
#              VAE_NOTE_TIMEOUT     seconds one note may run (default 1800)
#              VAE_NOTE_OUT         output folder (default out/zeppelin)
#              VAE_HEAP             heap of the note's JVM (default -Xmx4g)
#              FASHION_MNIST        folder of the Fashion-MNIST IDX files, read by the note
# Needs python3, Maven (to fetch scala-compiler once) and Java 17+.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PYTHON="${VAE_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}"
compile_only=0
if [ "${1:-}" = "--compile-only" ]; then compile_only=1; shift; fi
if [ "$#" -gt 0 ]; then
  notes=("$@")
else
  shopt -s nullglob
  notes=("$ROOT"/notebooks/*.zpln)
  shopt -u nullglob
fi
if [ "${#notes[@]}" -eq 0 ]; then
  echo "check-zeppelin-note.sh: no Zeppelin notes found" >&2
  exit 1
fi

vae_build  # library jar, target/spark-classpath.txt, target/jvm.options; sets JVM_OPTS

WORK="$MODULE/target/zeppelin-check"
OUT="${VAE_NOTE_OUT:-$ROOT/out/zeppelin}"
rm -rf "$WORK/src" "$WORK/classes"
mkdir -p "$WORK/src" "$WORK/classes" "$WORK/scalac" "$OUT"

# 1. Committed form, and one Scala program per note.
packages="$("$PYTHON" "$ROOT/scripts/zeppelin_note.py" extract "$WORK/src" "${notes[@]}")"

# 2. The Scala compiler of the project's Scala version, fetched from Maven Central into target/ once.
SCALA_VERSION="$(sed -n 's:.*<scala.version>\(.*\)</scala.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)"
[ -n "$SCALA_VERSION" ] || { echo "check-zeppelin-note.sh: no <scala.version> in pom.xml" >&2; exit 1; }
scalac_cp=""
for artifact in scala-compiler scala-reflect scala-library; do
  jar="$WORK/scalac/$artifact-$SCALA_VERSION.jar"
  if [ ! -f "$jar" ]; then
    # Runs outside the project so Maven does not load its pom; uses ~/.m2 when the jar is already there.
    if ! mvn_log="$(cd "$WORK/scalac" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="org.scala-lang:$artifact:$SCALA_VERSION" -DoutputDirectory="$WORK/scalac" 2>&1)"; then
      echo "$mvn_log" >&2
      echo "check-zeppelin-note.sh: could not fetch org.scala-lang:$artifact:$SCALA_VERSION" >&2
      exit 1
    fi
  fi
  scalac_cp="$scalac_cp${scalac_cp:+:}$jar"
done

# Spark's jars (a Spark installation) plus the library jar (spark.jars): what the note sees in Zeppelin.
# A copy of the jar, so that a rebuild during the run cannot pull classes from under the JVM.
cp "$(vae_jar)" "$WORK/vae-spark.jar"
NOTE_CP="$WORK/vae-spark.jar:$(cat "$MODULE/target/spark-classpath.txt")"

start=$(date +%s)
echo "Compiling ${#notes[@]} note(s) with Scala $SCALA_VERSION..." >&2
mapfile -t sources < <(find "$WORK/src" -name '*.scala' | sort)
if ! java -Xss8m -Xmx1g -cp "$scalac_cp" scala.tools.nsc.Main -deprecation -feature -release 17 \
    -classpath "$NOTE_CP" -d "$WORK/classes" "${sources[@]}"; then
  echo "FAIL: a note's %spark paragraphs do not compile (sources: $WORK/src; each paragraph starts at a" \
       "'// ---- %spark paragraph' line)" >&2
  exit 1
fi
echo "Compiled in $(( $(date +%s) - start )) s" >&2
[ "$compile_only" = 1 ] && { echo "zeppelin notes: ${#notes[@]} compiled"; exit 0; }

# 3. Run each note's program.
LOG4J="$ROOT/scripts/conf/log4j2.properties"

passed=0
failed=0
while read -r package note; do
  name="$(basename "$note" .zpln)"
  output="$OUT/$name.out"
  rm -f "$OUT/$name"-*.png
  note_start=$(date +%s)
  echo "Running $note (VAE_NOTE_SMALL=${VAE_NOTE_SMALL:-true}); output: $output" >&2
  status=0
  # shellcheck disable=SC2086  # JVM_OPTS is a whitespace-separated option list
  VAE_NOTE_SMALL="${VAE_NOTE_SMALL:-true}" SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" \
    timeout --kill-after=30 "${VAE_NOTE_TIMEOUT:-1800}" \
    java ${VAE_HEAP:--Xmx4g} $JVM_OPTS -Djava.awt.headless=true -Dlog4j2.configurationFile="$LOG4J" \
      -cp "$WORK/classes:$NOTE_CP" "$package.ZeppelinNote" > "$output" 2> "$OUT/$name.err" || status=$?
  seconds=$(( $(date +%s) - note_start ))
  images="$("$PYTHON" "$ROOT/scripts/zeppelin_note.py" pictures "$output" "$OUT/$name")"
  # The text the note printed, without the pictures' base64 lines.
  grep -v '^%html <img' "$output" | sed 's/^/  | /' >&2 || true
  if [ "$status" -ne 0 ]; then
    failed=$((failed + 1))
    echo "FAIL $note: exit status $status after $seconds s; last lines of $OUT/$name.err:" >&2
    tail -n 40 "$OUT/$name.err" >&2
  elif [ "$images" -eq 0 ]; then
    failed=$((failed + 1))
    echo "FAIL $note: it printed no %html picture ($seconds s)" >&2
  else
    passed=$((passed + 1))
    echo "PASS $note ($seconds s, $images pictures -> $OUT/$name-*.png)"
  fi
done <<< "$packages"

echo "zeppelin notes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
