#!/usr/bin/env bash
# Make sure what the test suite needs is installed and answering: Chromium, PostgreSQL, Redis.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}

say() { echo "[ensure] $*"; }

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium (browser tests)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install -y chromium' (browser tests need /usr/bin/chromium)." >&2
    exit 1
  fi
fi

pg_ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
if ! pg_ready; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  fi
  pg_ready || { echo "PostgreSQL does not answer on $PGHOST:$PGPORT; start it or set DATABASE_URL." >&2; exit 1; }
fi

# The database the non-test commands (makemigrations --check, check --deploy) connect to;
# pytest creates its own test_ database next to it.
if ! psql -h "$PGHOST" -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kloormokers'" 2>/dev/null | grep -q 1; then
  createdb -h "$PGHOST" -p "$PGPORT" -U postgres kloormokers 2>/dev/null || say "could not create database kloormokers (continuing)"
fi

redis_ready() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
if ! redis_ready; then
  if command -v redis-server >/dev/null; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
    for _ in $(seq 1 30); do redis_ready && break; sleep 1; done
  fi
  redis_ready || { echo "Redis does not answer on 127.0.0.1:$REDIS_PORT; start it or set REDIS_URL." >&2; exit 1; }
fi
say "chromium, PostgreSQL and Redis are ready"
