#!/usr/bin/env bash
# Start cadrebot:  bash scripts/start.sh [extra args for the command]
#
# From a fresh clone: creates .venv, installs cadrebot, migrates the database
# (CADREBOT_DATABASE_URL, default SQLite under ./data/), then
#   - with CADREBOT_TOKEN set (or in .env): runs the bot (`cadrebot run`), long polling
#     against CADREBOT_API_URL (default Telegram's public Bot API);
#   - without a token: runs `cadrebot demo`, the bot against a loopback Telegram emulator
#     with a sample district and a chat simulator in the browser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
STAMP=$VENV/.cadrebot-installed
if [[ ! -x $VENV/bin/python ]]; then
    echo "==> creating .venv"
    python3 -m venv "$VENV"
fi
if [[ ! -f $STAMP || pyproject.toml -nt $STAMP ]]; then
    echo "==> installing cadrebot into .venv"
    "$VENV/bin/python" -m pip install -qq --disable-pip-version-check -e .
    touch "$STAMP"
fi

token=${CADREBOT_TOKEN:-}
if [[ -z $token && -f .env ]]; then
    token=$(sed -n 's/^CADREBOT_TOKEN=//p' .env | tail -n 1)
fi

if [[ -n $token ]]; then
    "$VENV/bin/cadrebot" db upgrade
    exec "$VENV/bin/cadrebot" run "$@"
fi
echo "==> no CADREBOT_TOKEN: starting the demo (a loopback Telegram and a sample district)"
exec "$VENV/bin/cadrebot" demo "$@"
