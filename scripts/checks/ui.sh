#!/usr/bin/env bash
# The web page in a real browser: runs the README's sample batch (configs/pipeline.yaml on the shared Landsat 8
# scene, with the reference model trained into a temporary registry), starts `tileinfer serve` on it with an API
# key, and drives Debian's headless Chromium over /ui with playwright-core (tileinfer-api/browser-test/ui-check.mjs).
# Screenshots and the batch's quicklook are kept in target/ci-artifacts/ (ui.png, ui-models.png, batch-quicklook.png).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/env.sh
. scripts/checks/common.bash
[ -d tileinfer-api/browser-test/node_modules/playwright-core ] \
  || { echo "ui: playwright-core is missing (scripts/setup/60-browser.sh installs it)" >&2; exit 2; }
begin_check ui
artifacts="$root/target/ci-artifacts"
mkdir -p "$artifacts"
rm -f "$artifacts"/ui.png "$artifacts"/ui-models.png "$artifacts"/batch-quicklook.png
tileinfer() { java --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }
data="$root/../shared/data"

# The sample run, as scripts/demo makes it, in a temporary directory.
train_reference_model
sed -e "s#^registry: .*#registry: $work/models#" -e "s#^output: .*#output: $work/runs#" -e "s#\.\./data/sample#$data#" \
  configs/pipeline.yaml > "$work/pipeline.yaml"
status=0
tileinfer batch --config "$work/pipeline.yaml" > "$work/batch.log" 2>&1 || status=$?
if [ "$status" != 0 ] && [ "$status" != 3 ]; then cat "$work/batch.log" >&2; exit 1; fi
manifest=$(ls "$work"/runs/*/manifest.json)
run_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run_id"])' "$manifest")
# the quicklook the manifest lists (path relative to the run directory)
quicklook=$(python3 -c 'import json, sys; q = json.load(open(sys.argv[1]))["scenes"][0].get("quicklook"); print(q["path"] if q else "")' "$manifest")
[ -n "$quicklook" ] || { echo "ui: the manifest $manifest lists no quicklook" >&2; exit 1; }
quicklook=$(dirname "$manifest")/$quicklook
[ -s "$quicklook" ] || { echo "ui: batch wrote no quicklook at $quicklook" >&2; exit 1; }
cp "$quicklook" "$artifacts/batch-quicklook.png"

# 60 older runs without tiles beside the batch's, so that the runs list has a page of older runs (50 a page)
python3 - "$work/runs/results.db" <<'EOF'
import datetime, sqlite3, sys
start = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
def text(t): return t.strftime("%Y-%m-%dT%H:%M:%S.%f000Z")  # the store's text: nine fractional digits
with sqlite3.connect(sys.argv[1]) as db:
    db.executemany("INSERT INTO runs (run_id, config_path, config_sha256, model_version, started_at, finished_at,"
                   " status) VALUES (?, 'older.yaml', 'sha', 'older', ?, ?, 'succeeded')",
                   [(f"older-{i:02d}", text(start + datetime.timedelta(hours=i)),
                     text(start + datetime.timedelta(hours=i, minutes=1))) for i in range(60)])
EOF

port=$(free_port)
echo "ui-check-key" > "$work/key" # with an API key, as a shared server would have: the page must ask for it
# java itself in the background (not the function), so that $! is the server's pid for the cleanup
java --enable-native-access=ALL-UNNAMED -jar "$jar" serve --registry "$work/models" --model production \
  --store "jdbc:sqlite:$work/runs/results.db" --host 127.0.0.1 --port "$port" --api-key-file "$work/key" \
  > "$work/server.log" 2>&1 &
server=$!
await_ready "$port" "$work/server.log"

TILEINFER_UI_KEY=ui-check-key TILEINFER_UI_RUNS=61 \
  node tileinfer-api/browser-test/ui-check.mjs "http://127.0.0.1:$port" "$artifacts" "$run_id" \
  || { echo "ui: the browser check failed; server log:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
kill -0 "$server" || { echo "ui: the server died during the check" >&2; tail -20 "$work/server.log" >&2; exit 1; }
echo "ui: screenshots in $artifacts (ui.png, ui-models.png, batch-quicklook.png)"
