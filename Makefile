# Two entry points: `make demo` and `make test`. Each builds .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: demo test test-fast lint install clean system-packages pango

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP) pango
	$(BIN)/gaimon demo

# Formatting, style, then the import contract: stages import downstream only (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# The digest's browser tests need headless Chromium; WeasyPrint needs Pango and a font.
# Installed from Debian only when missing (as root, or through sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := chromium chromium-driver libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

/usr/bin/chromium /usr/bin/chromedriver:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES)

system-packages: /usr/bin/chromium /usr/bin/chromedriver pango

# The demo writes the digest as PDF too: WeasyPrint needs Pango, nothing of the browser.
pango:
	@ldconfig -p | grep -q libpangoft2-1.0 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	  libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

# Tests run on one worker per core (pytest-xdist); each worker starts its own Prefect server once.
PYTEST := $(BIN)/python -m pytest -q -n auto

test: $(STAMP) lint system-packages
	$(PYTEST)

# Everything but the tests marked slow (real Prefect servers, the demo, Dask, the browser).
test-fast: $(STAMP) lint
	$(PYTEST) -m "not slow"

clean:
	rm -rf var .pytest_cache
