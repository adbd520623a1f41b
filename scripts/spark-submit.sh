#!/usr/bin/env bash
# spark-submit without a Spark download: runs Spark's own SparkSubmit class (what the
# spark-submit script runs) with the Maven-resolved Spark jars. Same arguments as spark-submit:
#   scripts/spark-submit.sh [options] <app jar> [app arguments]
# e.g. scripts/spark-submit.sh --master 'local[*]' --class io.github.vaespark.cli.VaeJob \
#        vae-spark/target/vae-spark-0.1.0-SNAPSHOT.jar train --help
source "$(dirname "$0")/common.sh"
vae_build
# shellcheck disable=SC2086
exec java ${VAE_HEAP:--Xmx4g} $JVM_OPTS $(vae_log_opts "$@") -cp "$(cat "$MODULE/target/spark-classpath.txt")" \
  org.apache.spark.deploy.SparkSubmit "$@"
