#!/usr/bin/env bash
# Makes sure the PostgreSQL server the storage tests use (127.0.0.1:5432, database `test`) is running.
# The tests skip nothing: if PostgreSQL cannot be reached they fail and say why.
set -u
if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
fi
echo "services: PostgreSQL is not reachable on 127.0.0.1:5432" >&2
