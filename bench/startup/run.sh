#!/usr/bin/env bash
# The launcher's start-up with and without its AOT cache (scripts/aot-cache): the demo's batch from scratch, the
# same batch resumed (nothing left to compute: start-up, validation, manifest), and `serve` until /v2/health/ready
# answers 200. Each round runs every case with TILEINFER_AOT=on and =off, in alternating order, and starts only once
# the CPUs were at least 85 % idle for 2 s (other work on the machine skews single runs); prints medians (min-max)
# of wall time and, for batch, of user+sys CPU time.
#   bench/startup/run.sh [--repeats 9]
# Needs the demo's model and data (run scripts/demo once). The batch is configs/pipeline.yaml with its output in
# $TILEINFER_BENCH_DIR (default runs/bench-startup), so the demo's own run is left alone.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/env.sh
repeats=9
case "${1:-}" in
  --repeats) repeats=$2 ;;
  "") ;;
  *) echo "usage: bench/startup/run.sh [--repeats N]" >&2; exit 2 ;;
esac
./tileinfer models show production >/dev/null 2>&1 || { echo "bench: no production model: run scripts/demo first" >&2; exit 2; }
work=${TILEINFER_BENCH_DIR:-$root/runs/bench-startup}
mkdir -p "$work"
sed -e "s#^registry: .*#registry: $root/models#" -e "s#^output: .*#output: $work/out#" \
  -e "s#\.\./data/sample/#$root/data/sample/#" configs/pipeline.yaml > "$work/pipeline.yaml"
./tileinfer --version >&2   # builds the jar and its cache if needed
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

quiet() {
  local a b k tot
  while :; do
    read -ra a < /proc/stat; sleep 2; read -ra b < /proc/stat; tot=0
    for k in 1 2 3 4 5 6 7 8; do tot=$((tot + b[k] - a[k])); done
    [ $(((b[4] - a[4]) * 100 / tot)) -ge 85 ] && return
  done
}
now() { date +%s%N; }
batch() {  # CASE AOT: one batch run, its wall ms and CPU s appended to $work/times
  local start end
  [ "$1" = fresh ] && rm -rf "$work/out"
  start=$(now)
  TILEINFER_AOT=$2 /usr/bin/time -f "%U %S" -o "$work/cpu" ./tileinfer batch --config "$work/pipeline.yaml" \
    > /dev/null 2> "$work/batch.log" || { tail "$work/batch.log" >&2; exit 1; }
  end=$(now)
  echo "$1 $2 $(((end - start) / 1000000)) $(awk '{print $1 + $2}' "$work/cpu")" >> "$work/times"
}
serve() {  # AOT: ms from start to the first ready answer
  local start end pid
  start=$(now)
  TILEINFER_AOT=$1 ./tileinfer serve --registry models --port "$port" > /dev/null 2> "$work/serve.log" &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/v2/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { tail "$work/serve.log" >&2; exit 1; }
    sleep 0.02
  done
  end=$(now)
  kill "$pid"; wait "$pid" || true
  echo "serve $1 $(((end - start) / 1000000)) -" >> "$work/times"
}

: > "$work/times"
for i in $(seq "$repeats"); do
  if [ $((i % 2)) = 1 ]; then order="on off"; else order="off on"; fi
  for aot in $order; do quiet; batch fresh "$aot"; done
  for aot in $order; do quiet; batch resume "$aot"; done
  for aot in $order; do quiet; serve "$aot"; done
  echo "bench: round $i of $repeats" >&2
done
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.2f (%.2f-%.2f)", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'; }
echo "| case | AOT cache | wall s, median (min-max) | user+sys CPU s, median |"
echo "|---|---|---:|---:|"
for case in fresh resume serve; do
  for aot in off on; do
    wall=$(awk -v c="$case" -v a="$aot" '$1 == c && $2 == a { print $3 / 1000 }' "$work/times" | median)
    cpu=$(awk -v c="$case" -v a="$aot" '$1 == c && $2 == a && $4 != "-" { print $4 }' "$work/times" | median)
    echo "| $case | $aot | $wall | ${cpu:--} |"
  done
done
