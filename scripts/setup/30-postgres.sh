# Debian's PostgreSQL server binaries, for the tests of tileinfer-postgres: they start a throwaway cluster of their
# own (initdb + pg_ctl in a temporary directory, on a free loopback port), so no server needs to be running here.
postgres_present() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
if ! postgres_present; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian's PostgreSQL server (postgresql) ..." >&2
    # Only the binaries: no 'main' cluster that would start and hold port 5432.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/tileinfer-tests.conf
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || { echo "setup: apt-get install postgresql failed" >&2; exit 2; }
  else
    echo "setup: the PostgreSQL tests need Debian's server binaries: sudo apt-get install postgresql" >&2
    exit 2
  fi
fi
