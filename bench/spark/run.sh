#!/usr/bin/env bash
# Spark's overhead on one machine: the same workload through the local runner (2 worker threads) and through
# spark-submit --master local[2] (2 task slots), on the same cores. The workload is the reference cloud-mask model
# over a SIZE x SIZE Landsat 8 scene mirrored from the sample (bench/spark/make-scene.py), 256 px tiles, batches
# of 8. Each runner runs REPEATS times from scratch, alternately; the table shows medians and Spark's ratio, and
# the two runners' rasters must have the same SHA-256.
#   bench/spark/run.sh [--size 6144] [--repeats 2]
# Spark comes from $SPARK_HOME when set, else from PyPI's pyspark 4.2.0 (Spark's own distribution) in .venv/spark.
# Work files go to $TILEINFER_BENCH_DIR (default runs/bench-spark).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/env.sh
ensure_gdal

size=6144
repeats=2
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    *) echo "usage: bench/spark/run.sh [--size N] [--repeats N]" >&2; exit 2 ;;
  esac
done
work=${TILEINFER_BENCH_DIR:-$root/runs/bench-spark}
mkdir -p "$work"

echo "bench: building the CLI and the Spark job jars ..." >&2
./mvnw -q -B -ntp -pl tileinfer-cli,tileinfer-spark -am package -DskipTests
cli_jar=$root/tileinfer-cli/target/tileinfer.jar
job_jar=$root/tileinfer-spark/target/tileinfer-spark-job.jar

if [ -z "${SPARK_HOME:-}" ]; then
  if [ ! -x .venv/spark/bin/python ] || ! .venv/spark/bin/python -c 'import pyspark' 2>/dev/null; then
    echo "bench: installing pyspark 4.2.0 (Spark's distribution, about 450 MB) into .venv/spark ..." >&2
    python3 -m venv .venv/spark
    .venv/spark/bin/pip install -q --disable-pip-version-check --no-input pyspark==4.2.0
  fi
  SPARK_HOME=$(.venv/spark/bin/python -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
fi
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1

scene=$work/scene-$size.tif
[ -f "$scene" ] || /usr/bin/python3 bench/spark/make-scene.py "$scene" --size "$size"
scripts/fetch-sample-data >/dev/null
if [ ! -d "$work/models" ]; then
  java --enable-native-access=ALL-UNNAMED -jar "$cli_jar" train --config configs/train.yaml \
    --registry "$work/models" --alias production >/dev/null
fi
# No sun_elevation: the reference model's corrected bands B1-B9 need one, and both runners compute it alike from the
# scene's TIFFTAG_DATETIME (make-scene.py writes the sample's acquisition time) at its centre.
for runner in local spark; do
  mkdir -p "$work/$runner"
  cat >"$work/$runner/pipeline.yaml" <<EOF
model: production
registry: $work/models
output: runs
tiling: {size: 256, halo: 16, batch: 8}
workers: 2
scenes:
  - id: mirrored
    file: $scene
    band_names: [B1, B2, B3, B4, B5, B6, B7, B9, B10, B11]
EOF
done

# Prints "<end-to-end seconds> <run seconds from the manifest> <tiles>" for one fresh run.
measure() {
  local runner=$1 start end
  rm -rf "$work/$runner/runs"
  start=$(date +%s.%N)
  if [ "$runner" = local ]; then
    java --enable-native-access=ALL-UNNAMED -jar "$cli_jar" batch --config "$work/local/pipeline.yaml" \
      >"$work/local.log" 2>&1
  else
    "$SPARK_HOME/bin/spark-submit" --master 'local[2]' --driver-memory 2g \
      --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 --conf spark.ui.enabled=false \
      --conf spark.driver.extraJavaOptions=--enable-native-access=ALL-UNNAMED \
      --class io.tileinfer.spark.SparkBatchJob "$job_jar" --config "$work/spark/pipeline.yaml" >"$work/spark.log" 2>&1
  fi
  end=$(date +%s.%N)
  python3 - "$work/$runner/runs" "$start" "$end" <<'EOF'
import datetime, glob, json, sys
manifest = json.load(open(glob.glob(sys.argv[1] + "/*/manifest.json")[0]))
run = (datetime.datetime.fromisoformat(manifest["finished_at"]) - datetime.datetime.fromisoformat(manifest["started_at"])).total_seconds()
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.2f} {run:.2f} {manifest['counts']['tiles']}")
EOF
}

: >"$work/times"
for i in $(seq "$repeats"); do
  for runner in local spark; do
    echo "bench: $runner, run $i of $repeats ..." >&2
    echo "$runner $(measure "$runner")" >>"$work/times"
  done
done
local_sha=$(sha256sum "$work"/local/runs/*/predictions/mirrored.tif | cut -d' ' -f1)
spark_sha=$(sha256sum "$work"/spark/runs/*/predictions/mirrored.tif | cut -d' ' -f1)

python3 - "$work/times" "$size" "$local_sha" "$spark_sha" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def median(runner, column):
    return statistics.median(float(r[column]) for r in rows if r[0] == runner)
tiles = int(rows[0][3])
print(f"workload: {sys.argv[2]} x {sys.argv[2]} px, 10 bands, {tiles} tiles of 256 px; "
      f"medians of {len(rows) // 2} runs each; 2 cores")
print("| runner | end to end (s) | run, from the manifest (s) | tiles/s (run) |")
print("|---|---|---|---|")
for runner, label in (("local", "local runner, 2 workers"), ("spark", "Spark local[2], spark-submit")):
    print(f"| {label} | {median(runner, 1):.1f} | {median(runner, 2):.1f} | {tiles / median(runner, 2):.1f} |")
print(f"| Spark / local | {median('spark', 1) / median('local', 1):.2f} | {median('spark', 2) / median('local', 2):.2f} | |")
same = sys.argv[3] == sys.argv[4]
print(f"prediction SHA-256: local {sys.argv[3][:16]}..., spark {sys.argv[4][:16]}...: {'identical' if same else 'DIFFERENT'}")
sys.exit(0 if same else 1)
EOF
