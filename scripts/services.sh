#!/usr/bin/env bash
# Start what the tests need when it is not already running: PostgreSQL, Redis, Chromium
# (installing them from Debian's packages when missing). `down` stops only what `up` started.
#   scripts/services.sh up     # prints nothing but progress; fails if a service cannot start
#   scripts/services.sh down
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
STARTED=var/services-started
PG_URL_FILE=var/test-database-url

apt_install() {
  command -v apt-get >/dev/null || { echo "services: need $* and apt-get is not here" >&2; exit 1; }
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ] \
    || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_bin() { echo "/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -1)/bin"; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# PostgreSQL for the tests is a cluster of this checkout's own, under var/pg, on a port derived
# from the checkout's path: the tests create and roll back millions of rows, and a machine's
# shared server may run without autovacuum (dead rows then pile up and every later test slows).
# This one vacuums, and trades durability for speed (fsync off): it holds only test data.
pg_up() {
  [ -d /usr/lib/postgresql ] || apt_install postgresql
  local bin port data=var/pg
  bin=$(pg_bin)
  port=$(( 20000 + 0x$(pwd | sha1sum | cut -c1-4) % 10000 ))
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -s start -o "-p $port \
      -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off -c autovacuum=on \
      -c autovacuum_naptime=5s -c shared_buffers=256MB -c max_connections=200"
    echo "postgresql $data" >> "$STARTED"
  fi
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'itcell') THEN
    CREATE ROLE itcell LOGIN CREATEDB PASSWORD 'itcell';
  END IF;
END $$;
SQL
  echo "postgres://itcell:itcell@127.0.0.1:$port/itcell" > "$PG_URL_FILE"
}

redis_up() {
  command -v redis-server >/dev/null || apt_install redis-server
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
      --pidfile "$PWD/var/redis.pid" --logfile "$PWD/var/redis.log"
    echo "redis" >> "$STARTED"
    for _ in $(seq 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.2; done
  fi
}

chromium_up() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

gettext_up() {
  command -v msgfmt >/dev/null || apt_install gettext
}

down() {
  [ -f "$STARTED" ] || return 0
  while read -r what version; do
    case "$what" in
      postgresql) as_postgres "$(pg_bin)/pg_ctl" -D "$version" -m fast -s stop || true ;;
      redis) redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true ;;
    esac
  done < "$STARTED"
  rm -f "$STARTED"
}

case "${1:-up}" in
  up) gettext_up; pg_up; redis_up; chromium_up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
