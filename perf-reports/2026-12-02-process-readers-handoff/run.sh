#!/bin/sh
# Issue 12, second step: readers in a second process and the write handoff.
# 1. A reader's get while a writer puts at 1M/s: Tidemark and Chronicle Map, with the reader in a second thread
#    (ReaderBenchmark, ChronicleMapReaderBenchmark) and in a second process (ProcessReaderBenchmark,
#    ChronicleMapProcessReaderBenchmark). One JMH run each, 10 measured iterations.
# 2. The writer's put with the reader stamps on and off, three forks each, in the order on, off, on, off.
# 3. The handoff's end-to-end latency at 100k and 500k puts/s, direct and handed off, with the writer's three idle
#    strategies (HandoffLatency).
# Usage: run.sh JAR OUTDIR
set -e
JAR=$1
OUT=$2
mkdir -p "$OUT"
run() {
    name=$1; shift
    java -jar "$JAR" "$@" -rf json -rff "$OUT/$name.json" > "$OUT/$name.txt" 2>&1
}
run reader-get-thread    '^dev.tidemark.jmh.ReaderBenchmark.readWhileWriting$' -i 10 -p entries=1000000 -p valueLength=64 -p writeRate=1000000
run cmap-get-thread      '^dev.tidemark.jmh.ChronicleMapReaderBenchmark.readWhileWriting$' -i 10 -p entries=1000000 -p valueLength=64 -p writeRate=1000000
run reader-get-process   '^dev.tidemark.jmh.ProcessReaderBenchmark.get$' -i 10 -p entries=1000000 -p valueLength=64 -p writeRate=1000000
run cmap-get-process     '^dev.tidemark.jmh.ChronicleMapProcessReaderBenchmark.get$' -i 10 -p entries=1000000 -p valueLength=64 -p writeRate=1000000
run store-put-readers-on-1  '^dev.tidemark.jmh.StoreBenchmark.put$' -f 3 -p entries=1000000 -p valueLength=64 -p readers=true
run store-put-readers-off-1 '^dev.tidemark.jmh.StoreBenchmark.put$' -f 3 -p entries=1000000 -p valueLength=64 -p readers=false
run store-put-readers-on-2  '^dev.tidemark.jmh.StoreBenchmark.put$' -f 3 -p entries=1000000 -p valueLength=64 -p readers=true
run store-put-readers-off-2 '^dev.tidemark.jmh.StoreBenchmark.put$' -f 3 -p entries=1000000 -p valueLength=64 -p readers=false
for idle in backoff yield spin; do
    java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms1g -Xmx1g -XX:+UseParallelGC -cp "$JAR" \
        dev.tidemark.jmh.HandoffLatency "$OUT/handoff-$idle" 100000 500000 --seconds 20 --writer-idle $idle \
        > "$OUT/handoff-$idle.txt" 2>&1
done
