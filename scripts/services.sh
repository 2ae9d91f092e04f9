#!/usr/bin/env bash
# Makes sure Redis and the PostgreSQL server the storage tests use (127.0.0.1:5432, database `test`) is running.
# The tests skip nothing: if PostgreSQL cannot be reached they fail and say why.
set -u
# Redis (127.0.0.1:6379) for the shared rate-limit counters' test (tests/web/test_web_limits.py).
if command -v redis-server >/dev/null 2>&1 && ! (command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1); then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
fi
if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
fi
echo "services: PostgreSQL is not reachable on 127.0.0.1:5432" >&2
