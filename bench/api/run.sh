#!/usr/bin/env bash
# The API benchmark: `tileinfer serve` against FastAPI + uvicorn + onnxruntime (bench/api/fastapi_server.py) serving
# the same ONNX file, POST /v1/predict of one real 256 x 256 x 10 Landsat 8 tile (with the scene's sun elevation in
# the query), at 1, 8 and 32 concurrent clients, driven by wrk (Debian's package) on loopback. Prints: server,
# clients, requests/s, p50, p99, errors.
#
#   bench/api/run.sh                       # DURATION=15 (seconds per point), CLIENTS="1 8 32", REGISTRY=<registry>
#
# Uses an existing registry with a `production` alias (REGISTRY, default .venv/bench-api/models) or trains one with
# configs/train.yaml. The Python environment is .venv/bench-api (git-ignored). Not a test: nothing is asserted
# except that both servers answer the same class fractions for the tile.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/bench/api"
venv="$root/.venv/bench-api"
work=$(mktemp -d /tmp/tileinfer-bench-api.XXXXXX)
DURATION=${DURATION:-15}
CLIENTS=${CLIENTS:-"1 8 32"}
REGISTRY=${REGISTRY:-"$venv/models"}
JAVA_PORT=${JAVA_PORT:-18180}
PY_PORT=${PY_PORT:-18181}
WORKERS=${WORKERS:-$(nproc)}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "run.sh: wrk not found: apt-get install wrk" >&2; exit 2; }
jar="$root/tileinfer-cli/target/tileinfer.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package)

# 1. The Python side.
if [ ! -x "$venv/bin/uvicorn" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q fastapi uvicorn onnxruntime numpy tifffile imagecodecs
fi

# 2. The model: a registry's production alias, else train one.
if [ ! -f "$REGISTRY/aliases.json" ] || ! grep -q '"production"' "$REGISTRY/aliases.json"; then
  [ -d "$root/data/sample/landsat8-LC80200392015216" ] || "$root/scripts/fetch-sample-data"
  java --enable-native-access=ALL-UNNAMED -jar "$jar" train --config "$root/configs/train.yaml" \
    --registry "$REGISTRY" --alias production >&2
fi
version=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["production"])' \
  "$REGISTRY/aliases.json")
model_dir="$REGISTRY/versions/$version"

# 3. The tile: the model's bands, in the card's order, stacked and cut from the scene with GDAL.
scene=""
for d in "$root/data/sample/landsat8-LC80200392015216" "$root/../shared/data/landsat8-LC80200392015216"; do
  [ -f "$d/B1.tif" ] && { scene=$d; break; }
done
[ -n "$scene" ] || { echo "run.sh: no landsat8-LC80200392015216 scene (scripts/fetch-sample-data)" >&2; exit 2; }
bands=$("$venv/bin/python" -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["mlm:input"][0]["bands"]))' \
  "$model_dir/card.json")
files=(); for b in $bands; do files+=("$scene/$b.tif"); done
gdalbuildvrt -q -separate "$work/stack.vrt" "${files[@]}"
gdal_translate -q -srcwin 200 200 256 256 -co TILED=YES "$work/stack.vrt" "$work/tile.tif"
# The bands carry no acquisition time, so both servers are told the scene's sun elevation (its MTL.txt's, as
# configs/ copies it), which a model trained on sun-angle-corrected bands needs (configs/train.yaml's); a model
# without the correction ignores it.
sun_elevation=$(awk '$1 == "SUN_ELEVATION" {print $3}' "$root/configs/LC80200392015216-rescaling.mtl")
predict="/v1/predict?sun_elevation=$sun_elevation"
echo "tile: $work/tile.tif ($(gdalinfo "$work/tile.tif" | grep -c '^Band ') bands, $(stat -c %s "$work/tile.tif")" \
  "bytes), model $version, POST $predict" >&2

# 4. The servers: both with one inference thread per core.
java --enable-native-access=ALL-UNNAMED -jar "$jar" serve --registry "$REGISTRY" --model production \
  --port "$JAVA_PORT" --workers "$WORKERS" --max-in-flight 64 >"$work/tileinfer.log" 2>&1 &
pids+=($!)
(cd "$here" && TILEINFER_MODEL_DIR="$model_dir" ORT_THREADS=1 exec "$venv/bin/uvicorn" fastapi_server:app \
  --host 127.0.0.1 --port "$PY_PORT" --workers "$WORKERS" --log-level warning --no-access-log) >"$work/fastapi.log" 2>&1 &
pids+=($!)
for port in "$JAVA_PORT" "$PY_PORT"; do
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null || { echo "run.sh: server on $port not ready" >&2; exit 1; }
done

# 5. Same answer: the class fractions (and the hash of the input values) must agree.
for port in "$JAVA_PORT" "$PY_PORT"; do
  curl -sf -H 'Content-Type: image/tiff' --data-binary @"$work/tile.tif" "http://127.0.0.1:$port$predict" >"$work/answer-$port.json"
done
"$venv/bin/python" - "$work/answer-$JAVA_PORT.json" "$work/answer-$PY_PORT.json" <<'EOF'
import json, sys
java, py = (json.load(open(p)) for p in sys.argv[1:])
for key in ("class_fractions", "valid_pixels", "input_sha256", "model_version"):
    if java[key] != py[key]:
        sys.exit(f"run.sh: {key} differs: tileinfer {java[key]}, fastapi {py[key]}")
print(f"same answer: class_fractions {java['class_fractions']}, input_sha256 {java['input_sha256'][:12]}...",
      file=sys.stderr)
EOF

# 6. Load: wrk, keep-alive connections, each client sends the next request when the last one is answered.
cat >"$work/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "image/tiff"
local f = io.open("$work/tile.tif", "rb"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format("RESULT %d %.1f %.2f %.2f %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
EOF
printf '%-9s %7s %10s %9s %9s %7s %8s\n' server clients "req/s" "p50 ms" "p99 ms" errors requests
for clients in $CLIENTS; do
  for server in tileinfer fastapi; do
    port=$JAVA_PORT; [ "$server" = fastapi ] && port=$PY_PORT
    threads=$(( clients < 2 ? 1 : 2 ))
    wrk -t1 -c"$clients" -d3s -s "$work/post.lua" "http://127.0.0.1:$port$predict" >/dev/null  # warm-up
    read -r _ n rps p50 p99 errors < <(wrk -t"$threads" -c"$clients" -d"${DURATION}s" --timeout 30s \
      -s "$work/post.lua" "http://127.0.0.1:$port$predict" | grep '^RESULT')
    printf '%-9s %7s %10s %9s %9s %7s %8s\n' "$server" "$clients" "$rps" "$p50" "$p99" "$errors" "$n"
  done
done
