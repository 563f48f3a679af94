# Shared by scripts/test.sh and scripts/check.sh (sourced, with ROOT set to the checkout):
# messages, apt for root, and the project's .venv with its [test] extra.

say() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

is_root() { [[ $(id -u) -eq 0 ]]; }

APT_UPDATED=
# apt_install [--no-install-recommends] PKG...: non-interactive, output only on failure.
apt_install() {
    is_root || die "need root to 'apt-get install $*'; install it by hand and re-run"
    local log
    log=$(mktemp /tmp/cadrebot-apt.XXXXXX)
    if [[ -z $APT_UPDATED ]]; then
        if ! apt-get update >"$log" 2>&1; then
            cat "$log" >&2; rm -f "$log"; die "apt-get update failed"
        fi
        APT_UPDATED=1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "$@" >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; die "apt-get install $* failed"
    fi
    rm -f "$log"
}

# ensure_venv: .venv with cadrebot[test] installed, reinstalled when pyproject.toml changed.
ensure_venv() {
    VENV=$ROOT/.venv
    STAMP=$VENV/.cadrebot-test-installed
    if [[ ! -x $VENV/bin/python ]]; then
        if ! python3 -c 'import ensurepip' 2>/dev/null; then
            say "installing python3-venv"
            apt_install --no-install-recommends python3-venv
        fi
        say "creating .venv"
        python3 -m venv "$VENV"
    fi
    if [[ ! -f $STAMP || pyproject.toml -nt $STAMP ]]; then
        say "installing cadrebot[test] into .venv"
        t0=$(now)
        "$VENV/bin/python" -m pip install -qq --disable-pip-version-check -e '.[test]'
        touch "$STAMP"
        say "installed in $(since "$t0")"
    fi
}
