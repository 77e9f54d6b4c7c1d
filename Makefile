# ckanext-metropole — the two commands are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help demo test conformance services stop status venv lint clean

help:
	@echo "make demo    install everything and run the demo portal on http://127.0.0.1:5000"
	@echo "make test    install everything and run the whole test suite (CKAN 2.11 and 2.12)"
	@echo "make conformance  ckanext-scheming, -dcat and -harvest test suites on the PostgreSQL search"
	@echo "make stop    stop the PostgreSQL and Redis started by the project"
	@echo "make lint    ruff and pyright (the type checker)"

demo:
	scripts/demo.sh

test:
	scripts/stack.sh start
	scripts/test.sh

conformance: venv
	scripts/stack.sh start
	scripts/conformance.sh

services:
	scripts/stack.sh start

stop:
	scripts/stack.sh stop

status:
	scripts/stack.sh status

venv:
	scripts/venv.sh .venv 2.11

# pyright reads pyrightconfig.json (basic mode, against .venv's CKAN 2.11);
# PYRIGHT_PYTHON_IGNORE_WARNINGS: no look-up of a newer pyright on PyPI
lint: venv
	.venv/bin/ruff check ckanext bench conftest.py
	PYRIGHT_PYTHON_IGNORE_WARNINGS=1 .venv/bin/pyright

clean: stop
	rm -rf .venv .venv-* .local build dist *.egg-info
