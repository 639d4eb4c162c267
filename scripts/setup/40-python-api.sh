# Schemathesis, for scripts/checks/api-fuzz.sh: a venv under the git-ignored .venv/ (pip from PyPI).
# Its coverage phase needs Python >= 3.12: on 3.11 (Debian 12's, and 3.11.7) hypothesis' lambda descriptions hit
# CPython's "AST constructor recursion depth mismatch" SystemError (cpython gh-106905) and the phase errors out.
api_fuzz_venv=.venv/schemathesis
api_fuzz_python() {
  local candidate
  for candidate in python3.13 python3.12 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[3-9]*/bin/python3 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"
      return
    fi
  done
  return 1
}
if [ ! -x "$api_fuzz_venv/bin/schemathesis" ] || { api_fuzz_python >/dev/null \
    && ! "$api_fuzz_venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }; then
  if ! api_fuzz_py=$(api_fuzz_python); then
    # scripts/checks/api-fuzz.sh then skips the coverage phase, and says so.
    echo "setup: WARNING: no Python >= 3.12 here; schemathesis' coverage phase will be skipped" >&2
    api_fuzz_py=$(command -v python3)
  fi
  echo "setup: installing schemathesis into $api_fuzz_venv with $api_fuzz_py ..." >&2
  rm -rf "$api_fuzz_venv"
  "$api_fuzz_py" -m venv "$api_fuzz_venv" && "$api_fuzz_venv/bin/pip" install -q 'schemathesis==4.32.5' \
    || { echo "setup: cannot install schemathesis (python3 venv and PyPI are needed)" >&2; exit 2; }
fi
