# Two commands on a fresh machine with python3 and make:  make demo  |  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install templates report-templates sample excel bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/toolkit demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests benchmarks
	$(BIN)/mypy

templates: $(STAMP)
	$(BIN)/python -m toolkit.outputs.templates

report-templates: $(STAMP)
	$(BIN)/python -m toolkit.outputs.report_templates

sample: $(STAMP)
	$(BIN)/python -m toolkit.outputs.sample_company

excel: $(STAMP)
	$(BIN)/python -m toolkit.outputs.excel_build

# read + validate and consolidate (three folder states) against naive pipelines, then 10k/100k/300k
# tasks; writes the table into README.md.  Options: make bench BENCH_ARGS="--rounds 5"
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --readme --profile $(BENCH_ARGS)

clean:
	rm -rf $(VENV) demo-output .pytest_cache
