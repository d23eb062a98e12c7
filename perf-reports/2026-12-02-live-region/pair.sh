#!/usr/bin/env bash
# The live region in the store directory against /dev/shm, in turn on the same machine and the same jar: AckTrace
# (60 s at 100k random puts/s, 1M keys x 64 B, default checkpoints) at NONE and at RECORDED, ROUNDS rounds.
# Usage: pair.sh JAR OUT_DIR ROUNDS
set -euo pipefail
jar="$1"; out="$2"; rounds="$3"
mkdir -p "$out"
java_opts=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx2g -XX:+UseParallelGC)
for round in $(seq 1 "$rounds"); do
    for level in NONE RECORDED; do
        for live in store /dev/shm; do
            label="$(echo "$level" | tr A-Z a-z)-$(basename "$live")-$round"
            echo "== $label $(date -u +%H:%M:%S)" | tee -a "$out/summary.txt"
            java "${java_opts[@]}" -Dtidemark.store.live.dir="$live" -cp "$jar" dev.tidemark.jmh.AckTrace \
                --out "$out" --label "$label" --level "$level" --checkpoints default --seconds 60 \
                | tee -a "$out/summary.txt"
        done
    done
done
