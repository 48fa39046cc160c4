# The two README commands: `make demo` and `make test`. Both create .venv as needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_POSTS ?= 20000

.PHONY: setup demo test test-quick clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/mipulse sample --posts $(DEMO_POSTS) --out demo/sample
	$(BIN)/mipulse run --input 'demo/sample/*.jsonl' --db demo/mipulse.duckdb --out demo/out
	$(BIN)/mipulse query --db demo/mipulse.duckdb \
	  "SELECT year, platform, sentiment_label, n, round(share, 3) AS share FROM yearly_sentiment_share WHERE platform = 'twitter' ORDER BY year, sentiment_label"
	@echo "charts: demo/out/report/"

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not slow'

clean:
	rm -rf demo .pytest_cache .hypothesis

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.counting
