#!/usr/bin/env bash
# The static checks CI runs before the tests:  bash scripts/check.sh
#
#   ruff check            the lint rules of pyproject.toml ([tool.ruff.lint])
#   ruff format --check   the code as `ruff format` writes it
#   mypy                  strict for domain/, services/ and storage/, checked for bot/,
#                         scheduler/ and sandbox/ ([tool.mypy])
#   lint-imports          the layers CONTRIBUTING.md draws ([tool.importlinter])
#
# Each runs even when an earlier one failed, so one run names every problem; the exit
# status is non-zero if any failed. Creates .venv with the [test] extra first if needed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
set -e
ensure_venv
set +e

failed=()
check() {
    local name=$1
    shift
    say "$name"
    "$@" || failed+=("$name")
}
check "ruff check" "$VENV/bin/ruff" check .
check "ruff format --check" "$VENV/bin/ruff" format --check .
check "mypy" "$VENV/bin/mypy"
check "import-linter" "$VENV/bin/lint-imports" --no-cache
if [[ ${#failed[@]} -gt 0 ]]; then
    printf 'ERROR: failed: %s\n' "${failed[*]}" >&2
    exit 1
fi
say "all checks passed"
