#!/usr/bin/env bash
# Run benchmarks with a throwaway PostgreSQL beside SQLite (not tests: they print tables).
#
#   bash bench/run.sh                          # e2e.py, then memory.py
#   bash bench/run.sh e2e.py --quick           # one bench script with its arguments
#   bash bench/run.sh sweeps.py 1000 10000
#
# Why a script: the benches read CADREBOT_BENCH_PG_URL and drop that database's schema, so
# it must be a server nobody else uses. This starts one the way scripts/test.sh does
# (Debian's server binaries, a private cluster owned by `postgres` under /tmp, loopback
# only, a random password, fsync off) and removes it on exit whatever the outcome.
# scripts/test.sh cannot be sourced (it runs the test suite at top level), hence the copy
# of its few lines. Needs PostgreSQL's server binaries (apt-get install postgresql).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

"$PY" -c 'import psutil' 2>/dev/null \
    || die "psutil is missing: .venv/bin/pip install -e '.[bench]'"

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $PG_BIN && -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl ]] \
    || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"

PG_TMP=$(mktemp -d /tmp/cadrebot-bench-pg.XXXXXX)
PG_DATA=$PG_TMP/data
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then (cd "$PG_TMP" && runuser -u postgres -- "$@"); else (cd "$PG_TMP" && "$@"); fi
}
stop_pg() {
    if [[ -f $PG_DATA/postmaster.pid ]]; then
        as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    fi
    # CADREBOT_BENCH_PG_LOG=FILE keeps the server's log (lock waits, deadlocks).
    if [[ -n ${CADREBOT_BENCH_PG_LOG:-} && -f $PG_TMP/server.log ]]; then
        cp -- "$PG_TMP/server.log" "$CADREBOT_BENCH_PG_LOG"
    fi
    rm -rf -- "$PG_TMP"
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ $(id -u) -eq 0 ]] && chown postgres: "$PG_TMP"
chmod 700 "$PG_TMP"
pass=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }
for try in 1 2 3 4 5; do
    port=$("$PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    if as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_TMP/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off" start >/dev/null 2>&1; then
        break
    fi
    [[ $try -lt 5 ]] || { cat "$PG_TMP/server.log" >&2; die "could not start PostgreSQL"; }
done
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_TMP" -p "$port" -U postgres -d postgres \
    -v pass="$pass" >/dev/null <<'SQL' || die "could not create the bench role and database"
CREATE ROLE cadrebot_bench LOGIN PASSWORD :'pass';
CREATE DATABASE cadrebot_bench OWNER cadrebot_bench;
SQL
export CADREBOT_BENCH_PG_URL="postgresql+psycopg://cadrebot_bench:$pass@127.0.0.1:$port/cadrebot_bench"
# The postmaster's pid: the benches add its and its backends' CPU time to the database's share.
export CADREBOT_BENCH_PG_PID=$(head -n 1 "$PG_DATA/postmaster.pid")
say "throwaway PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

status=0
if [[ $# -gt 0 ]]; then
    script=$1; shift
    "$PY" "bench/$script" "$@" || status=$?
else
    "$PY" bench/e2e.py || status=$?
    "$PY" bench/memory.py || status=$?
fi
exit "$status"
