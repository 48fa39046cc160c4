# The two README commands: `make demo` and `make test`. Both create .venv as needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# The stamp names the Python that made .venv, so a .venv made by another Python is rebuilt, not reused.
STAMP := $(VENV)/.installed-python$(PY_VERSION)
DEMO_POSTS ?= 20000

.PHONY: setup demo test test-quick clean bench browser

$(STAMP): pyproject.toml
	@made_by=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
	if [ -d $(VENV) ] && [ "$$made_by" != "$(PY_VERSION)" ]; then \
	  echo "$(VENV) was made by Python $${made_by:-(missing)}, not $(PYTHON) $(PY_VERSION): recreating it"; \
	  rm -rf $(VENV); \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed*
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/mipulse sample --posts $(DEMO_POSTS) --out demo/sample
	$(BIN)/mipulse run --input 'demo/sample/*.jsonl' --db demo/mipulse.duckdb --out demo/out
	$(BIN)/mipulse query --db demo/mipulse.duckdb \
	  "SELECT year, platform, sentiment_label, n, round(share, 3) AS share FROM yearly_sentiment_share WHERE platform = 'twitter' ORDER BY year, sentiment_label"
	@echo "charts: demo/out/report/"

# Every test runs: the HTML report test needs a headless Chromium, installed here (Debian, as root)
# or the run stops with the reason instead of skipping that test.
test: $(STAMP) browser
	MIPULSE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q -n 2 --dist loadfile

browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make test: installing Chromium for the HTML report test (apt-get)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || { \
	      echo "make test: could not install Chromium; install it (apt-get install chromium) or run make test-quick" >&2; \
	      exit 1; }; \
	  else \
	    echo "make test: Chromium is missing (the HTML report test needs it): sudo apt-get install chromium," \
	      "or run make test-quick to skip the slow tests" >&2; \
	    exit 1; \
	  fi; }

test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not slow'

clean:
	rm -rf demo .pytest_cache .hypothesis

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.counting
