#!/usr/bin/env bash
# The Airflow DAG's tests with real Airflow (from .venv/airflow, made by scripts/setup/50-airflow.sh) and the real
# CLI (./tileinfer, built by ./mvnw verify before this runs): the DAG folder parsed without import errors, full
# `airflow dags test` runs on the sample scene, a batch attempt killed part-way and resumed by Airflow's retry,
# a validation failure that is not retried, and a task process stopped as Airflow stops one, whose batch JVM
# ends with it. Writes only under a temporary directory, removed at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/env.sh
ensure_gdal
[ -x .venv/airflow/bin/pytest ] || . scripts/setup/50-airflow.sh
scripts/fetch-sample-data >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tileinfer-airflow-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd orchestration/airflow
set +e
TILEINFER_SAMPLE="$root/data/sample" "$root/.venv/airflow/bin/python" -m pytest -v --durations=5 \
  --basetemp="$tmp/pytest" "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "airflow check: pytest collected no test" >&2
fi
exit "$status"
