#!/usr/bin/env bash
# usage: pair.sh <label> <jar> <outdir>   one round of the hot-path benchmarks with one jar
set -euo pipefail
label=$1; jar=$2; out=$3
mkdir -p "$out"
J="java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"
$J -jar "$jar" '^dev.tidemark.jmh.StoreBenchmark\.(get|put|batchOfTwoPuts)$' -p valueLength=64 \
    -f 1 -wi 3 -w 2s -i 5 -r 2s -rf json -rff "$out/store-$label.json" > "$out/store-$label.txt" 2>&1
$J -jar "$jar" '^dev.tidemark.jmh.DurableStoreBenchmark\.(put|batchOfTwoPuts)$' -p valueLength=64 \
    -p durability=NONE,RECORDED -f 1 -wi 3 -w 2s -i 5 -r 2s -rf json -rff "$out/durable-$label.json" \
    > "$out/durable-$label.txt" 2>&1
$J -Xmx1g -cp "$jar" dev.tidemark.jmh.RestartAndCheckpointMeasurements replay > "$out/replay-$label.txt" 2>&1
