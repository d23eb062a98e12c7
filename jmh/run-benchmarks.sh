#!/usr/bin/env bash
# Build the benchmarks jar and run the suite, writing a dated folder under perf-reports/.
#   jmh/run-benchmarks.sh quick   (about 4 minutes on 2 cores: 64-byte values, the targets' operations)
#   jmh/run-benchmarks.sh full    (about an hour; the run to publish)
#   jmh/run-benchmarks.sh smoke   (every benchmark once, briefly; writes under target/, not perf-reports/)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
mvn -B -q -DskipTests -pl jmh -am package
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
root=perf-reports
if [ "$mode" = smoke ]; then root=jmh/target/smoke-reports; mkdir -p "$root"; fi
java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx1g \
    -cp jmh/target/benchmarks.jar dev.tidemark.jmh.BenchmarkReport "$mode" "$root" "$commit"
