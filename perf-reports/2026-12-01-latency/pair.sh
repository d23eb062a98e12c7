#!/usr/bin/env bash
# Before and after in turn on the same machine: AckTrace (60 s at 100k random puts/s, 1M keys x 64 B) at RECORDED with
# default checkpoints and with none, at NONE with default checkpoints; then the plain store's writer at 200k puts/s
# with and without checkpoints. Usage: pair.sh BEFORE.jar AFTER.jar OUT_DIR
set -euo pipefail
before="$1"; after="$2"; out="$3"
mkdir -p "$out"
java_opts=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx2g -XX:+UseParallelGC)
for run in "RECORDED default" "RECORDED off" "NONE default"; do
    set -- $run
    for side in before after; do
        jar="$before"; [ "$side" = after ] && jar="$after"
        label="$side-$(echo "$1" | tr A-Z a-z)-$2"
        java "${java_opts[@]}" -cp "$jar" dev.tidemark.jmh.AckTrace --out "$out" --label "$label" \
            --level "$1" --checkpoints "$2" --seconds 60 | tee -a "$out/summary.txt"
    done
done
for side in before after; do
    jar="$before"; [ "$side" = after ] && jar="$after"
    echo "== $side writer" | tee -a "$out/summary.txt"
    java "${java_opts[@]}" -cp "$jar" dev.tidemark.jmh.RestartAndCheckpointMeasurements writer 2>&1 \
        | grep -i "writer" | tee -a "$out/summary.txt"
done
