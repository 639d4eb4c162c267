#!/usr/bin/env bash
# The launchers under the C locale (cron, systemd, a container without LANG): the JVM would decode file names as
# ASCII and could not open a path with an "é" in it; the launchers switch the charset to UTF-8, by the locale
# command's charmap or, where there is no such command, by the locale's name. Checks the repository's ./tileinfer
# and the launcher docker-build-steps installs in the images, on a copy of a real band, with and without `locale`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/env.sh
. scripts/checks/common.bash
begin_check locale
locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' || fail "this machine has no C.UTF-8 locale"
band="$work/scène-été/B2.tif"
mkdir -p "$(dirname "$band")"
cp ../shared/data/landsat8-LC80200392015216/{B2.tif,MTL.txt} "$(dirname "$band")"
gdal=$(ldconfig -p 2>/dev/null | awk '!found && $1 ~ /^libgdal\.so\.[0-9]+$/ { print $NF; found = 1 }')
[ -n "$gdal" ] || fail "no libgdal.so.N in the linker cache"
# the image's launcher, as docker-build-steps writes it (its here-document expanded as there), around the jar
# ./mvnw verify built
body=$(sed -n '/^  cat >"\$prefix\/bin\/tileinfer" <<EOF$/,/^EOF$/p' scripts/docker-build-steps | sed '1d;$d')
grep -q 'locale charmap' <<<"$body" || fail "could not take the image's launcher out of docker-build-steps"
prefix=$root/tileinfer-cli/target
eval "cat <<EOF
$body
EOF" > "$work/image-launcher"
chmod +x "$work/image-launcher"
# a `locale` that is not there, as in a slim container
mkdir -p "$work/no-locale"
printf '#!/bin/sh\nexit 127\n' > "$work/no-locale/locale"
chmod +x "$work/no-locale/locale"
for launcher in ./tileinfer "$work/image-launcher"; do
  for path in "$PATH" "$work/no-locale:$PATH"; do
    out=$(env -u LANGUAGE LANG=C LC_ALL=C PATH="$path" TILEINFER_AOT=off TILEINFER_GDAL_LIBRARY="$gdal" \
      "$launcher" validate "$band" 2> "$work/err") || fail "$launcher under LANG=C (PATH=$path): $out $(cat "$work/err")"
    [[ "$out" == "OK    $band: 627x603 pixels, 1 bands (uint16), EPSG:32616, acquired "* ]] \
      || fail "$launcher under LANG=C (PATH=$path): $out $(cat "$work/err")"
  done
done
echo "locale: both launchers open a path with accents under LANG=C, with and without the locale command"
