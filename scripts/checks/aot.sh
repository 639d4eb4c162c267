#!/usr/bin/env bash
# The launcher's AOT cache (scripts/aot-cache). With the cache in place, batch and serve print exactly the command's
# own stdout (the same bytes as without the cache) and the JVM maps it; a JVM that refuses it says so on stderr only;
# after the jar changed (touched: a rebuild), the stale cache still on disk is not used, and a failed training costs
# one line on stderr, once. Runs the repository's launcher from a copy of its own over a copy of the jar that
# `./mvnw verify` built, so the checkout's jar and caches are not touched.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/env.sh
. scripts/checks/common.bash
begin_check aot
# stderr without the CLI's JSON log lines: what the launcher and the JVM added
extra_stderr() { grep -v '^{' "$1" || true; }

mkdir -p "$work/repo/scripts" "$work/repo/tileinfer-cli/target"
cp tileinfer "$work/repo/"
cp scripts/env.sh scripts/aot-cache "$work/repo/scripts/"
cp -p "$jar" "$work/repo/tileinfer-cli/target/tileinfer.jar"
cli=$work/repo/tileinfer
train_reference_model
sed -e "s#registry: ../models#registry: $work/models#" -e "s#output: ../runs#output: $work/runs#" \
  -e "s#\.\./data/sample/#$root/../shared/data/#" configs/pipeline.yaml > "$work/pipeline.yaml"

# 1. The first run builds the cache (two lines on stderr), then computes the run; the next two resume it, without
#    the cache and with it: all three print the same stdout.
"$cli" batch --config "$work/pipeline.yaml" > "$work/first.out" 2> "$work/first.err" || { cat "$work/first.err" >&2; fail "batch failed"; }
[ "$(extra_stderr "$work/first.err" | grep -c '^tileinfer: \(building the AOT cache\|built .*\.aot\)')" = 2 ] \
  || fail "the first run did not build the cache: $(extra_stderr "$work/first.err")"
cache=$(scripts/aot-cache --no-build "$work/repo/tileinfer-cli/target/tileinfer.jar") || fail "no cache was built"
TILEINFER_AOT=off "$cli" batch --config "$work/pipeline.yaml" > "$work/plain.out" 2> /dev/null
TILEINFER_JAVA_OPTS="-Xlog:aot=info:file=$work/batch-aot.log" "$cli" batch --config "$work/pipeline.yaml" \
  > "$work/cached.out" 2> "$work/cached.err"
[ "$(wc -l < "$work/plain.out")" = 3 ] && grep -q '^run pipeline-[0-9a-f]* succeeded: 9 tiles done' "$work/plain.out" \
  || fail "unexpected batch output: $(cat "$work/plain.out")"
cmp "$work/plain.out" "$work/first.out" || fail "stdout differs from the command's own output (first run)"
cmp "$work/plain.out" "$work/cached.out" || fail "stdout differs from the command's own output (with the cache)"
grep -q "Opened AOT cache $cache" "$work/batch-aot.log" || fail "batch did not map $cache"
[ -z "$(extra_stderr "$work/cached.err")" ] || fail "batch printed on stderr: $(extra_stderr "$work/cached.err")"
# validate --json, which the Airflow DAG parses
scenes=("$root/../shared/data/landsat8-LC80200392015216/B4.tif" "$root/../shared/data/geotiff-variants/l8_rgbn_cog.tif")
TILEINFER_AOT=off "$cli" validate "${scenes[@]}" --json > "$work/validate-plain.json" 2> /dev/null
"$cli" validate "${scenes[@]}" --json > "$work/validate-cached.json" 2> "$work/validate.err"
grep -q '"valid"' "$work/validate-plain.json" || fail "unexpected validate output: $(head -5 "$work/validate-plain.json")"
cmp "$work/validate-plain.json" "$work/validate-cached.json" || fail "validate --json differs with the cache"
[ -z "$(extra_stderr "$work/validate.err")" ] || fail "validate printed on stderr: $(extra_stderr "$work/validate.err")"

# 2. serve maps the cache too, answers, and prints nothing on stdout.
port=$(free_port)
TILEINFER_JAVA_OPTS="-Xlog:aot=info:file=$work/serve-aot.log" "$cli" serve --registry "$work/models" \
  --port "$port" > "$work/serve.out" 2> "$work/serve.err" &
server=$!
await_ready "$port" "$work/serve.err"
curl -sf "http://127.0.0.1:$port/v2" | grep '"model_version"' >/dev/null || fail "serve does not answer /v2"
kill "$server"; wait "$server" || true; server=
grep -q "Opened AOT cache $cache" "$work/serve-aot.log" || fail "serve did not map $cache"
[ ! -s "$work/serve.out" ] || fail "serve printed on stdout: $(cat "$work/serve.out")"
[ -z "$(extra_stderr "$work/serve.err")" ] || fail "serve printed on stderr: $(extra_stderr "$work/serve.err")"

# 3. A JVM that refuses the cache (here for compact object headers) says so on stderr, never on stdout.
expected=$(TILEINFER_AOT=off "$cli" --version)
out=$(TILEINFER_JAVA_OPTS=-XX:+UseCompactObjectHeaders "$cli" --version 2> "$work/refused.err")
[ "$out" = "$expected" ] || fail "stdout with a refused cache: $out"
grep -q '\[aot' "$work/refused.err" || fail "the refused cache left no JVM message on stderr"

# 4. The jar changes (a rebuild) and its new cache cannot be trained (no GDAL): the stale cache, still on disk, is not
#    used; the failure is said once; stdout is the command's own.
touch -d '+1 minute' "$work/repo/tileinfer-cli/target/tileinfer.jar"
for attempt in 1 2; do
  out=$(TILEINFER_GDAL_LIBRARY=/nonexistent/libgdal.so TILEINFER_JAVA_OPTS="-Xlog:aot=info:file=$work/stale-aot.log" \
    "$cli" --version 2> "$work/stale.err")
  [ "$out" = "$expected" ] || fail "stdout after the jar changed: $out"
  [ -f "$cache" ] || fail "the stale cache is gone: this step tests nothing"
  ! grep -q 'Opened AOT cache' "$work/stale-aot.log" || fail "the stale cache was used: $(grep Opened "$work/stale-aot.log")"
  said=$(grep -c '^tileinfer: could not build the AOT cache' "$work/stale.err" || true)
  [ "$said" = $((attempt == 1 ? 1 : 0)) ] || fail "run $attempt said the failure $said times: $(cat "$work/stale.err")"
  [ -z "$(grep -v '^tileinfer: \(building\|could not build\) the AOT cache' "$work/stale.err")" ] \
    || fail "run $attempt printed on stderr: $(cat "$work/stale.err")"
done
# 5. Two first runs at once after a rebuild: one builds the cache, the other waits for it; both get the same cache.
touch -d '+2 minutes' "$work/repo/tileinfer-cli/target/tileinfer.jar"
(cd "$work/repo" && scripts/aot-cache "$PWD/tileinfer-cli/target/tileinfer.jar" > "$work/one.out" 2> "$work/one.err") &
one=$!
(cd "$work/repo" && scripts/aot-cache "$PWD/tileinfer-cli/target/tileinfer.jar" > "$work/two.out" 2> "$work/two.err") &
two=$!
wait "$one" || fail "the first concurrent build failed: $(cat "$work/one.err")"
wait "$two" || fail "the second concurrent build failed: $(cat "$work/two.err")"
builds=$(cat "$work/one.err" "$work/two.err" | grep -c '^tileinfer: building the AOT cache' || true)
[ "$builds" = 1 ] || fail "$builds builds for two concurrent runs: $(cat "$work/one.err" "$work/two.err")"
[ -s "$work/one.out" ] && cmp -s "$work/one.out" "$work/two.out" && [ -f "$(cat "$work/one.out")" ] \
  || fail "the two runs got different caches: $(cat "$work/one.out" "$work/two.out")"
[ "$(find "$work/repo/tileinfer-cli/target/aot" -name '*.aot' | wc -l)" = 1 ] \
  || fail "caches left: $(ls -a "$work/repo/tileinfer-cli/target/aot")"
echo "aot: the cache is used by batch and serve with stdout unchanged; a stale cache is not used; concurrent first runs build it once"
