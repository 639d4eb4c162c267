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

# Bounded: 30 examples per operation, 10 minutes at most. positive_data_acceptance is off: a schema cannot say that
# data holds as many values as the shape's product, nor that an upload is a GeoTIFF, so most schema-valid requests are
# rightly refused (400/422). The served model's name and version are given as the path parameters' values, so that the
# fuzzer reaches inference instead of 404s; the document's example request (see OpenApiDocument) reaches the model.
# Every warning fails the run (fail-on): "schema validation mismatch" (no schema-valid request of an operation was
# accepted) passed unnoticed while the document allowed any JSON value, or none, as a tensor's data. /v1/predict is
# exempt from that one warning alone: random bytes are no GeoTIFF (PredictTest covers its accepted uploads).
# GET /openapi.json is included by name: schemathesis leaves out the operation its schema was loaded from.
version=$(curl -sf "http://127.0.0.1:$port/v2" | python3 -c 'import json, sys; print(json.load(sys.stdin)["model_version"])')
name=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["mlm:name"])' "$work/models/versions/$version/card.json")
cat > "$work/schemathesis.toml" <<TOML
[parameters]
name = "$name"
version = "$version"

[warnings]
fail-on = true

[[operations]]
include-operation-id = "predictGeoTiff"
warnings = { display = ["missing_auth", "rate_limited", "base_url_mismatch"], fail-on = true }
TOML
phases=examples,coverage,fuzzing,stateful
if ! .venv/schemathesis/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  # CPython 3.11's gh-106905 breaks the coverage phase (see scripts/setup/40-python-api.sh)
  echo "api-fuzz: WARNING: schemathesis runs on Python < 3.12: its coverage phase is skipped" >&2
  phases=examples,fuzzing,stateful
fi
status=0
timeout 600 .venv/schemathesis/bin/schemathesis --config-file "$work/schemathesis.toml" \
  run "http://127.0.0.1:$port/openapi.json" --include-path-regex '^/' \
  --checks all --exclude-checks positive_data_acceptance --max-examples 30 -H "Authorization: Bearer fuzz-key" \
  --workers 2 --seed 20261123 --phases "$phases" || status=$?
if [ "$status" = 124 ]; then
  echo "api-fuzz: schemathesis did not finish within 10 minutes" >&2
  exit 1
elif [ "$status" != 0 ]; then
  echo "api-fuzz: schemathesis failed (exit $status): a failed check, or a warning (every warning fails), see above" >&2
  exit 1
fi
kill -0 "$server" || { echo "api-fuzz: the server died during the run" >&2; tail -20 "$work/server.log" >&2; exit 1; }
