# Sourced by the launcher and the scripts: picks the JDK and checks GDAL, with one clear line when missing.
# tileinfer is compiled for Java 25 (it binds GDAL through the Foreign Function & Memory API).

find_jdk() {
  local candidate
  for candidate in "${TILEINFER_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/*25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if "$candidate/bin/java" -version 2>&1 | grep -E 'version "(2[5-9]|[3-9][0-9])' >/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(find_jdk); then
  echo "tileinfer: needs a JDK 25 or newer (set JAVA_HOME or TILEINFER_JAVA_HOME); none found under /usr/lib/jvm" >&2
  exit 2
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

gdal_present() {
  ldconfig -p 2>/dev/null | grep 'libgdal\.so' >/dev/null || [ -n "${TILEINFER_GDAL_LIBRARY:-}" ]
}

# Installs Debian's GDAL (the raster I/O library tileinfer binds) when it is missing and we may.
ensure_gdal() {
  gdal_present && command -v gdalinfo >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "tileinfer: installing Debian's GDAL (gdal-bin, libgdal) ..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin python3-gdal >/dev/null) \
      || { echo "tileinfer: apt-get install gdal-bin failed" >&2; exit 2; }
  else
    echo "tileinfer: needs GDAL: install it with 'sudo apt-get install gdal-bin' (or your system's package)" >&2
    exit 2
  fi
}
