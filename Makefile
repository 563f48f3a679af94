# One entry point for the checks, the tests and the benches (each target runs a script of
# scripts/ or bench/, which install what they need; see CONTRIBUTING.md).
.PHONY: start check test ci bench

start:  ## install, migrate and start (the bot with CADREBOT_TOKEN, else the demo)
	bash scripts/start.sh

check:  ## ruff, ruff format --check, mypy, import-linter
	bash scripts/check.sh

test:  ## the whole suite, PostgreSQL and Chromium included (ARGS="tests/domain -q" for part)
	bash scripts/test.sh $(ARGS)

ci:  ## what CI runs: the checks, then the suite today and as of 2027-01-04 09:00
	bash .ci/run

bench:  ## the benchmarks, printed as tables (ARGS="sweeps.py 1000 10000" for one)
	bash bench/run.sh $(ARGS)
