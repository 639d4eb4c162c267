# Schemathesis, for scripts/checks/api-fuzz.sh: a venv under the git-ignored .venv/ (pip from PyPI).
api_fuzz_venv=.venv/schemathesis
if [ ! -x "$api_fuzz_venv/bin/schemathesis" ]; then
  echo "setup: installing schemathesis into $api_fuzz_venv ..." >&2
  python3 -m venv "$api_fuzz_venv" && "$api_fuzz_venv/bin/pip" install -q 'schemathesis==4.32.5' \
    || { echo "setup: cannot install schemathesis (python3-venv and PyPI are needed)" >&2; exit 2; }
fi
