#!/usr/bin/env bash
# Run the whole test suite:  bash scripts/test.sh [pytest args...]
#
# From a fresh clone on a fresh Debian machine this:
#   1. creates .venv and installs the project with its [test] extra (skipped when up to date);
#   2. makes a PostgreSQL server available: uses $CADREBOT_TEST_PG_URL when set, otherwise
#      installs Debian's postgresql if needed (root only) and starts a private throwaway
#      cluster on 127.0.0.1, removed again on exit whatever the outcome;
#   3. installs Debian's chromium for the browser tests (tests/demo) when /usr/bin/chromium
#      is missing, unless CADREBOT_SKIP_CHROMIUM=1 (those tests then skip; under CI=true
#      they fail);
#   4. runs `.venv/bin/python -m pytest "$@"` (default: tests/) and exits with its status;
#      "no tests collected" (pytest exit 5) is reported as a failure.
# Paths given as arguments are relative to the repository root.
#
# The suite must pass whatever the date it runs on. Two leading options run it with the
# wall clock of every Python process moved (time-machine, through
# scripts/clockshift/sitecustomize.py; the clock then runs on from there, so a run started
# at 23:59 crosses midnight; monotonic clocks and the browser's clock stay real):
#   --at 'YYYY-MM-DD HH:MM'   once, as of that moment in Asia/Shanghai (repeatable: one run each)
#   --any-date                today and each telling moment below, one run each
# The exit status is non-zero if any run failed; a table at the end says which.
set -euo pipefail

#: Moments (Asia/Shanghai) at which dates have broken things: the last minute of a year
#: whose calendar is known, the first Monday of a year without one, a Sunday, a national
#: holiday.
TELLING_MOMENTS=("2026-12-31 23:59" "2027-01-04 09:00" "2026-12-06 15:00" "2026-10-01 10:00")
MOMENTS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --at) [[ $# -ge 2 ]] || { echo "ERROR: --at needs 'YYYY-MM-DD HH:MM'" >&2; exit 2; }
              MOMENTS+=("$2"); shift 2 ;;
        --at=*) MOMENTS+=("${1#--at=}"); shift ;;
        --any-date) MOMENTS+=("today" "${TELLING_MOMENTS[@]}"); shift ;;
        *) break ;;
    esac
done
[[ ${#MOMENTS[@]} -gt 0 ]] || MOMENTS=("today")
for moment in "${MOMENTS[@]}"; do
    [[ $moment == today ]] || date -d "TZ=\"Asia/Shanghai\" $moment" >/dev/null 2>&1 \
        || { echo "ERROR: --at $moment: expected 'YYYY-MM-DD HH:MM'" >&2; exit 2; }
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

# --- 1. virtualenv -------------------------------------------------------------------------
ensure_venv

# --- 2. PostgreSQL -------------------------------------------------------------------------
PG_TMP=
PG_BIN=
PG_DATA=

# Highest /usr/lib/postgresql/*/bin that has the server binaries (the client package alone
# creates that folder with only psql & co).
find_pg_bin() {
    local d
    PG_BIN=
    while read -r d; do
        if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres && -x $d/psql ]]; then
            PG_BIN=$d
        fi
    done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V)
    [[ -n $PG_BIN ]]
}

# Run a server command as the cluster's owner (postgres refuses to run as root).
as_owner() {
    if is_root; then
        (cd "$PG_TMP" && runuser -u postgres -- "$@")
    else
        (cd "$PG_TMP" && "$@")
    fi
}

stop_pg() {
    if [[ -n $PG_DATA && -f $PG_DATA/postmaster.pid ]]; then
        say "stopping the throwaway PostgreSQL cluster"
        as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    fi
    if [[ -n $PG_TMP && $PG_TMP == /tmp/cadrebot-pg.* ]]; then
        rm -rf -- "$PG_TMP"
    fi
    PG_TMP= PG_DATA=
}

free_port() {
    "$VENV/bin/python" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_pg() {
    local t0 port pass user=cadrebot_test db=cadrebot_test try
    t0=$(now)
    if ! find_pg_bin; then
        say "installing PostgreSQL (apt-get install postgresql)"
        apt_install --no-install-recommends postgresql
        find_pg_bin || die "postgresql installed but no server binaries under /usr/lib/postgresql/*/bin"
        say "PostgreSQL installed in $(since "$t0")"
    fi
    if is_root && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi

    say "starting a throwaway PostgreSQL cluster ($("$PG_BIN/postgres" --version))"
    PG_TMP=$(mktemp -d /tmp/cadrebot-pg.XXXXXX)
    PG_DATA=$PG_TMP/data
    is_root && chown postgres: "$PG_TMP"
    chmod 700 "$PG_TMP"
    pass=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(16))')

    as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_TMP/initdb.log" 2>&1 \
        || { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }

    # The port is free when picked but could be taken before the server binds it: retry.
    for try in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_TMP/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
            start >/dev/null 2>&1; then
            break
        fi
        [[ $try -lt 5 ]] || { cat "$PG_TMP/server.log" >&2; die "could not start PostgreSQL"; }
    done

    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_TMP" -p "$port" -U postgres -d postgres \
        -v user="$user" -v pass="$pass" -v db="$db" >/dev/null <<'SQL' \
        || die "could not create the test role and database"
CREATE ROLE :"user" LOGIN CREATEDB PASSWORD :'pass';
CREATE DATABASE :"db" OWNER :"user";
GRANT pg_signal_backend TO :"user";
SQL
    # autovacuum off: each test's database lives for seconds. And an autovacuum worker
    # on it made the test role's DROP DATABASE ... WITH (FORCE) fail (terminating it
    # takes pg_signal_backend), which the grant above covers should one run anyway.
    export CADREBOT_TEST_PG_URL="postgresql+psycopg://$user:$pass@127.0.0.1:$port/$db"
    say "PostgreSQL ready on 127.0.0.1:$port in $(since "$t0") (throwaway: $CADREBOT_TEST_PG_URL)"
}

if [[ -n ${CADREBOT_TEST_PG_URL:-} ]]; then
    say "using the PostgreSQL server from CADREBOT_TEST_PG_URL"
else
    trap stop_pg EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    start_pg
fi

# --- 3. Chromium (for the browser tests in tests/demo) -------------------------------------
if [[ ${CADREBOT_SKIP_CHROMIUM:-0} != 1 && ! -x /usr/bin/chromium ]]; then
    if is_root; then
        say "installing Chromium for the browser tests (apt-get install chromium)"
        apt_install chromium
    else
        say "WARNING: /usr/bin/chromium is missing and only root can install it: the browser tests will be skipped (and fail under CI=true)"
    fi
fi

# --- 4. pytest -----------------------------------------------------------------------------
[[ $# -gt 0 ]] || set -- tests
status=0
summary=()
for moment in "${MOMENTS[@]}"; do
    run_status=0
    t0=$(now)
    log=$(mktemp /tmp/cadrebot-pytest.XXXXXX)
    if [[ $moment == today ]]; then
        say "running pytest $* (today: $(TZ=Asia/Shanghai date '+%Y-%m-%d %H:%M %a') Asia/Shanghai)"
        "$VENV/bin/python" -m pytest "$@" 2>&1 | tee "$log" || run_status=${PIPESTATUS[0]}
    else
        # A fixed offset from the real clock, not a start time: every Python process the
        # tests start (a bot killed and restarted, a second webhook worker, the CLI) imports
        # scripts/clockshift/sitecustomize.py and then agrees on the time. Only the wall
        # clock moves; the monotonic clocks stay real, so timed waits expire when they should.
        offset=$(( $(date -d "TZ=\"Asia/Shanghai\" $moment" +%s) - $(date +%s) ))
        say "running pytest $* as of $moment Asia/Shanghai ($(TZ=Asia/Shanghai date -d "TZ=\"Asia/Shanghai\" $moment" '+%a'))"
        PYTHONPATH=$ROOT/scripts/clockshift${PYTHONPATH:+:$PYTHONPATH} CADREBOT_CLOCK_OFFSET=$offset \
            "$VENV/bin/python" -m pytest -p no:time_machine \
            -W "ignore:Module already imported so cannot be rewritten; time_machine:pytest.PytestAssertRewriteWarning" \
            "$@" 2>&1 | tee "$log" || run_status=${PIPESTATUS[0]}
    fi
    if [[ $run_status -eq 5 ]]; then
        printf 'ERROR: pytest collected no tests (exit 5) - treated as a failure\n' >&2
    fi
    [[ $run_status -eq 0 ]] || status=$run_status
    # pytest's closing line, e.g. "1 failed, 778 passed, 2 warnings in 301.2s".
    closing=$(grep -E '[0-9]+ (passed|failed|error)' "$log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//' || true)
    rm -f "$log"
    summary+=("$(printf '%-18s exit %-3s %-8s %s' "$moment" "$run_status" "$(since "$t0")" "$closing")")
    count() { grep -oE "[0-9]+ $1" <<<"$closing" | grep -oE '^[0-9]+' || echo 0; }
    passed=$(( ${passed:-0} + $(count passed) ))
    failed=$(( ${failed:-0} + $(count failed) + $(count 'errors?') ))
done
if [[ ${#MOMENTS[@]} -gt 1 ]]; then
    say "runs by date (Asia/Shanghai):"
    printf '    %s\n' "${summary[@]}"
    [[ $status -eq 0 || $failed -gt 0 ]] || failed=1  # a run that failed without a count
    printf 'all: %d passed, %d failed\n' "$passed" "$failed"
fi
exit "$status"
