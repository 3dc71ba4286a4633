# jiandu: `make demo` runs it on the embedded defaults, `make test` runs the tests.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen
BENCH_SIZE ?= full

.PHONY: demo test lint bench install vendor messages clean help

help:
	@echo "make demo    install, initialize var/, load the demo and serve at http://127.0.0.1:8000"
	@echo "make test    run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make bench   performance budgets of DESIGN.md section 6; prints a table, writes benchmarks/out/*.json"
	@echo "make lint    ruff, mypy (django-stubs) and import-linter"
	@echo "make vendor  re-vendor the front-end libraries from npm into static/vendor"
	@echo "make messages  extract and compile the translations"

# uv is bootstrapped from PyPI into .tools/ when it is not on the PATH.
$(CURDIR)/.tools/bin/uv:
	python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv

install: | $(UV)
	$(UV) sync --frozen --all-extras --quiet

demo: install
	$(RUN) jiandu demo

test: install
	$(RUN) pytest $(PYTEST_ARGS)

bench: install
	$(RUN) python benchmarks/run.py --size $(BENCH_SIZE)

lint: install
	$(RUN) ruff check src tests benchmarks
	$(RUN) ruff format --check src tests benchmarks
	$(RUN) mypy
	$(RUN) lint-imports

vendor:
	bash assets/vendor.sh

messages: install
	cd src/jiandu && $(RUN) jiandu manage makemessages --locale zh_Hans --locale en --no-obsolete --ignore 'static/vendor/*' --ignore 'demo/*'
	cd src/jiandu && $(RUN) jiandu manage compilemessages

clean:
	rm -rf .venv .tools var/test .pytest_cache .mypy_cache .ruff_cache
