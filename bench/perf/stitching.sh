#!/usr/bin/env bash
# What blend stitching costs against crop: `tileinfer batch` on W1 with 2 workers, tiles of 256 px (halo 0),
# tiling.stitch crop, then blend with a 32 px overlap, interleaved round by round. Needs the cache that
# bench/perf/run.sh made (W1 and the 4-band benchmark model).
#   bench/perf/stitching.sh [--cache DIR] [--repeats 3]
# Prints per run the wall time and peak RSS (GNU time), the tiles done and the run's stage timings (the manifest's,
# summed over the workers), then the medians and their ratio.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
cache=$root/runs/bench-perf
repeats=3
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    *) echo "usage: bench/perf/stitching.sh [--cache DIR] [--repeats N]" >&2; exit 2 ;;
  esac
done
cache=$(cd "$cache" && pwd)
w1=$cache/w1-10980.tif
[ -f "$w1" ] && [ -f "$cache/models/aliases.json" ] \
  || { echo "stitching: no W1 or benchmark model in $cache: run bench/perf/run.sh first" >&2; exit 2; }
./tileinfer --version >/dev/null # builds the jar if the tree is newer: not in a timed run

for stitch in crop blend; do
  mkdir -p "$cache/stitch-$stitch"
  tiling="{size: 256, halo: 0, batch: 8}"
  [ "$stitch" = blend ] && tiling="{size: 256, halo: 0, batch: 8, stitch: blend, overlap: 32}"
  cat >"$cache/stitch-$stitch/pipeline.yaml" <<YAML
model: bench
registry: $cache/models
output: runs
tiling: $tiling
workers: 2
scenes:
  - id: w1
    file: $w1
    band_names: [B2, B3, B4, B5]
    sun_elevation: 30 # as run.sh states it for W1 (a Sentinel-2 scene; the bench model corrects for the sun angle)
YAML
done

results=$cache/stitch-times
: >"$results"
for round in $(seq 1 "$repeats"); do
  for stitch in crop blend; do
    dir=$cache/stitch-$stitch
    rm -rf "$dir/runs"
    /usr/bin/time -f '%e %M' -o "$dir/time.out" ./tileinfer batch --config "$dir/pipeline.yaml" \
      >"$dir/out.log" 2>"$dir/err.log" || { echo "stitching: $stitch failed, see $dir/err.log" >&2; exit 1; }
    read -r wall rss <"$dir/time.out"
    stages=$(python3 - "$dir/runs" <<'PY'
import glob, json, sys
m = json.load(open(glob.glob(sys.argv[1] + "/*/manifest.json")[0]))
print(m["counts"]["done"], " ".join("%s=%.1f" % (k, v["total_ms"] / 1000) for k, v in m["stage_timings"].items()))
PY
)
    echo "$stitch $wall $((rss / 1024))" >>"$results"
    echo "round $round $stitch: ${wall} s, peak RSS $((rss / 1024)) MiB, tiles and stages (s): $stages"
  done
done
python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    stitch, wall, rss = line.split()
    runs.setdefault(stitch, []).append((float(wall), int(rss)))
crop, blend = (statistics.median(w for w, _ in runs[s]) for s in ("crop", "blend"))
print(f"median wall: crop {crop:.2f} s, blend {blend:.2f} s, blend / crop {blend / crop:.2f}x; "
      f"peak RSS at most crop {max(r for _, r in runs['crop'])} MiB, blend {max(r for _, r in runs['blend'])} MiB")
PY
