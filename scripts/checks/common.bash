# Sourced by the checks (aot.sh, api-fuzz.sh, locale.sh, ui.sh); not a check itself (not *.sh).
# Expects: $root (the repository), the current directory.

# begin_check NAME: the CLI jar `./mvnw verify` built as $jar (exit 2 without it), a temporary directory $work, and
# $server (the pid of the server the check starts, if any): both are removed when the check exits. `fail MESSAGE`
# ends the check with "NAME: MESSAGE" on stderr and exit 1.
begin_check() {
  check_name=$1
  jar=tileinfer-cli/target/tileinfer.jar
  [ -f "$jar" ] || { echo "$1: $jar is missing (run ./mvnw verify first)" >&2; exit 2; }
  work=$(mktemp -d)
  server=
  trap end_check EXIT
}
fail() { echo "$check_name: $*" >&2; exit 1; }
end_check() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }

# The reference model, trained on the shared Landsat 8 scene into $work/models with the alias production.
train_reference_model() {
  sed -e "s#directory: .*#directory: $root/../shared/data/landsat8-LC80200392015216#" \
    -e "s#metadata: \([^ ]*\)#metadata: $root/configs/\1#" "$root/configs/train.yaml" > "$work/train.yaml"
  java --enable-native-access=ALL-UNNAMED -jar "$jar" train --config "$work/train.yaml" --registry "$work/models" \
    --alias production > "$work/train.log" 2>&1 || { cat "$work/train.log" >&2; exit 1; }
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to a minute for the server on port $1 to be ready; else prints the end of its log $2 and fails.
await_ready() {
  for _ in $(seq 60); do
    curl -sf "http://127.0.0.1:$1/v2/health/ready" > /dev/null && return 0
    sleep 1
  done
  tail -20 "$2" >&2
  exit 1
}
