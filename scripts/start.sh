#!/usr/bin/env bash
# Start cadrebot:  bash scripts/start.sh [extra args for the command]
#
# From a fresh clone: creates .venv, installs cadrebot, migrates the database
# (CADREBOT_DATABASE_URL, default SQLite under ./data/), then
#   - with CADREBOT_TOKEN set (or in .env): runs the bot (`cadrebot run`), long polling
#     against CADREBOT_API_URL (default Telegram's public Bot API);
#   - with CADREBOT_FRAMEWORK=dingtalk and CADREBOT_DINGTALK_CLIENT_ID set (or in .env):
#     runs the bot on DingTalk (Stream mode);
#   - otherwise: runs `cadrebot demo`, the bot against a loopback messenger (Telegram's, or
#     DingTalk's with CADREBOT_FRAMEWORK=dingtalk) with a sample district and a chat
#     simulator in the browser.
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

# A setting from the environment, else from .env.
setting() {
    local value=${!1:-}
    if [[ -z $value && -f .env ]]; then
        value=$(sed -n "s/^$1=//p" .env | tail -n 1)
    fi
    printf '%s' "$value"
}

framework=$(setting CADREBOT_FRAMEWORK)
if [[ $framework == dingtalk ]]; then
    credential=$(setting CADREBOT_DINGTALK_CLIENT_ID)
    messenger="DingTalk"
else
    credential=$(setting CADREBOT_TOKEN)
    messenger="Telegram"
fi

if [[ -n $credential ]]; then
    "$VENV/bin/cadrebot" db upgrade
    exec "$VENV/bin/cadrebot" run "$@"
fi
echo "==> no $messenger credentials: starting the demo (a loopback $messenger and a sample district)"
exec "$VENV/bin/cadrebot" demo "$@"
