#!/bin/sh
# Issue 12, first step: the store's put and get with the reader stamps on and off, in turn, then a reader thread's
# get while the writer puts at 1M/s, against Chronicle Map's get under the same writes. One JMH run each.
# Usage: run.sh JAR OUTDIR
set -e
JAR=$1
OUT=$2
mkdir -p "$OUT"
run() {
    name=$1; shift
    java -jar "$JAR" "$@" -prof gc -rf json -rff "$OUT/$name.json" > "$OUT/$name.txt" 2>&1
}
run store-put-readers-on   'StoreBenchmark.put$' -p entries=1000000 -p valueLength=64 -p readers=true
run store-put-readers-off  'StoreBenchmark.put$' -p entries=1000000 -p valueLength=64 -p readers=false
run store-get-readers-on   'StoreBenchmark.get$' -p entries=1000000 -p valueLength=64 -p readers=true
run store-get-readers-off  'StoreBenchmark.get$' -p entries=1000000 -p valueLength=64 -p readers=false
run reader-get-under-writes 'ReaderBenchmark.readWhileWriting' -p entries=1000000 -p valueLength=64 -p writeRate=1000000
run cmap-get-under-writes   'ChronicleMapReaderBenchmark.readWhileWriting' -p entries=1000000 -p valueLength=64 -p writeRate=1000000
