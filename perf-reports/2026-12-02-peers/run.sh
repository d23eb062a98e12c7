#!/bin/sh
# The durable put (NONE) against Chronicle Map put and Chronicle Map put + Chronicle Queue append, at 64 B
# (1M keys) and 1,344 B (500k keys: the region's 2 GiB bound), one JMH invocation per configuration, in turn.
# Usage: run.sh JAR OUTDIR
set -e
JAR=$1
OUT=$2
mkdir -p "$OUT"
run() {
    name=$1; shift
    java -jar "$JAR" "$@" -prof gc -rf json -rff "$OUT/$name.json" > "$OUT/$name.txt" 2>&1
}
run tidemark-64-ckpt   'DurableStoreBenchmark.put$' -p entries=1000000 -p valueLength=64 -p durability=NONE -p checkpointLogMiB=64
run tidemark-64-off    'DurableStoreBenchmark.put$' -p entries=1000000 -p valueLength=64 -p durability=NONE -p checkpointLogMiB=0
run cmap-64            'ChronicleMapBenchmark.put$' -p entries=1000000 -p valueLength=64
run cjournal-64        'ChronicleJournalBenchmark.put$' -p entries=1000000 -p valueLength=64
run tidemark-1344-ckpt 'DurableStoreBenchmark.put$' -p entries=500000 -p valueLength=1344 -p durability=NONE -p checkpointLogMiB=64
run cmap-1344          'ChronicleMapBenchmark.put$' -p entries=500000 -p valueLength=1344
run cjournal-1344      'ChronicleJournalBenchmark.put$' -p entries=500000 -p valueLength=1344
