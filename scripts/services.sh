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

pg_up() {
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    echo "postgresql $version" >> "$STARTED"
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # A role of our own with a password works under trust and under password auth alike.
  runuser -u postgres -- psql -q -h 127.0.0.1 -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL' \
    || runuser -u postgres -- psql -q -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL2'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'itcell') THEN
    CREATE ROLE itcell LOGIN CREATEDB PASSWORD 'itcell';
  END IF;
END $$;
SQL
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'itcell') THEN
    CREATE ROLE itcell LOGIN CREATEDB PASSWORD 'itcell';
  END IF;
END $$;
SQL2
  # One database name per checkout, so two checkouts testing at once do not collide.
  echo "postgres://itcell:itcell@127.0.0.1:5432/itcell_$(pwd | sha1sum | cut -c1-8)" > "$PG_URL_FILE"
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
      postgresql) pg_ctlcluster --skip-systemctl-redirect "$version" main stop || true ;;
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
