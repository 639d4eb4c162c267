#!/usr/bin/env bash
# The Dockerfile's build steps, outside Docker (Docker cannot run on our machines): scripts/docker-build-steps ci.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/env.sh
ensure_gdal
if ! command -v yq >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq yq >/dev/null) \
      || { echo "docker check: apt-get install yq failed" >&2; exit 2; }
  else
    echo "docker check: needs yq to read docker-compose.yml: install it with 'sudo apt-get install yq'" >&2
    exit 2
  fi
fi
exec scripts/docker-build-steps ci
