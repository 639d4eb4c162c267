# Apache Airflow from PyPI in a Python virtual environment, for the DAG's tests (scripts/checks/airflow.sh).
# Kept in .venv/airflow (git-ignored) and reused while orchestration/airflow/requirements.txt and constraints.txt
# are unchanged; a fresh install takes about two minutes. AIRFLOW_PYTHON picks the interpreter (default python3,
# which must be 3.10 to 3.14 for Airflow 3.3).
setup_airflow_venv() {
  local venv=.venv/airflow dir=orchestration/airflow py=${AIRFLOW_PYTHON:-python3} want
  want=$(cat "$dir/requirements.txt" "$dir/constraints.txt" | sha256sum | cut -d' ' -f1)
  if [ -x "$venv/bin/airflow" ] && [ -x "$venv/bin/pytest" ] && [ "$(cat "$venv/.installed" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  if ! "$py" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 14))' 2>/dev/null; then
    echo "airflow setup: needs Python 3.10 to 3.14 for Airflow 3.3 (set AIRFLOW_PYTHON); $py is $("$py" --version 2>&1)" >&2
    return 2
  fi
  if ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "airflow setup: installing Debian's python3-venv ..." >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null) || return 2
    else
      echo "airflow setup: $py cannot make virtual environments: install python3-venv" >&2
      return 2
    fi
  fi
  echo "airflow setup: installing $(grep -m1 '^apache-airflow==' "$dir/requirements.txt") into $venv (about two minutes) ..." >&2
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-input -r "$dir/requirements.txt" -c "$dir/constraints.txt"
  echo "$want" >"$venv/.installed"
}
setup_airflow_venv
