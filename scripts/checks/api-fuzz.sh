#!/usr/bin/env bash
# Fuzzes the running API from its own /openapi.json with schemathesis: no response may be a 5xx, and every response
# must match the document. Uses the jar that `./mvnw verify` built and a model trained into a temporary registry.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/env.sh
. scripts/checks/common.bash
begin_check api-fuzz

train_reference_model
port=$(free_port)
echo "fuzz-key" > "$work/key"
java --enable-native-access=ALL-UNNAMED -jar "$jar" serve --registry "$work/models" --model production \
  --host 127.0.0.1 --port "$port" --api-key-file "$work/key" 2> "$work/server.log" &
server=$!
await_ready "$port" "$work/server.log"

# Bounded: 30 examples per operation, 10 minutes at most. positive_data_acceptance is off: schema-valid random
# bytes are rarely a GeoTIFF, and refusing them (400/422) is right. The served model's name and version are given
# as the path parameters' values, so that the fuzzer reaches inference instead of 404s.
version=$(curl -sf "http://127.0.0.1:$port/v2" | python3 -c 'import json, sys; print(json.load(sys.stdin)["model_version"])')
name=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["mlm:name"])' "$work/models/versions/$version/card.json")
printf '[parameters]\nname = "%s"\nversion = "%s"\n' "$name" "$version" > "$work/schemathesis.toml"
phases=examples,coverage,fuzzing,stateful
if ! .venv/schemathesis/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  # CPython 3.11's gh-106905 breaks the coverage phase (see scripts/setup/40-python-api.sh)
  echo "api-fuzz: WARNING: schemathesis runs on Python < 3.12: its coverage phase is skipped" >&2
  phases=examples,fuzzing,stateful
fi
timeout 600 .venv/schemathesis/bin/schemathesis --config-file "$work/schemathesis.toml" \
  run "http://127.0.0.1:$port/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance --max-examples 30 -H "Authorization: Bearer fuzz-key" \
  --workers 2 --seed 20261123 --phases "$phases"
kill -0 "$server" || { echo "api-fuzz: the server died during the run" >&2; tail -20 "$work/server.log" >&2; exit 1; }
