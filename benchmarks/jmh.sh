#!/usr/bin/env bash
# Runs the JMH benchmarks (or another main class of the benchmarks module) on the
# benchmarks module's runtime classpath. Arguments go to JMH, e.g.
#   benchmarks/jmh.sh -f 1 -wi 3 -i 5 -w 1s -r 1s RegistryLookupBenchmark
#   benchmarks/jmh.sh -l                                  # list the benchmarks
#   BENCH_MAIN=dev.unifiedplugins.benchmarks.MemoryFootprint benchmarks/jmh.sh 10000 100 10000
# Environment: BENCH_MAIN (default org.openjdk.jmh.Main), BENCH_JVM_ARGS (default
# "-Xms1g -Xmx1g"), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	./mvnw -B -q -pl benchmarks -am -DskipTests package dependency:build-classpath >&2
fi
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
# shellcheck disable=SC2086
exec java ${BENCH_JVM_ARGS:--Xms1g -Xmx1g} -cp "$classpath" "${BENCH_MAIN:-org.openjdk.jmh.Main}" "$@"
