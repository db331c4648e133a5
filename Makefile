# The two commands a new machine needs: `make site` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: site demo quarter benchmark test lint format serve clean venv browser

venv: $(STAMP)

# Debian's Chromium prints the quarter PDFs and runs the browser tests; fonts-noto-cjk lets it draw
# Chinese. Installed once if missing (root, or sudo when there is one); nothing is downloaded at build time.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BROWSER_STAMP := $(VENV)/.browser

browser: $(BROWSER_STAMP)

$(BROWSER_STAMP): | $(STAMP)
	@if command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		echo "chromium and fonts-noto-cjk are installed"; \
	else \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; \
	fi
	touch $(BROWSER_STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Validate data/, run every notebook with papermill, build the book into _build/html.
site: $(STAMP) $(BROWSER_STAMP)
	$(PY) -m hotline.site

## Re-run one quarter's notebook even if nothing changed, then rebuild: make quarter Q=2024Q1
quarter: $(STAMP) $(BROWSER_STAMP)
	@test -n "$(Q)" || { echo "用法：make quarter Q=2024Q1"; exit 2; }
	$(PY) -m hotline.site --rerun $(Q)

## The site from real 2024 Q1 plus three generated example quarters (marked 示例数据) → _build/demo/html.
demo: $(STAMP) $(BROWSER_STAMP)
	$(PY) -m hotline.site --demo

## Build speed on 40 generated quarters × 300 units (under _build/bench/); prints a table.
benchmark: $(STAMP) $(BROWSER_STAMP)
	$(PY) scripts/benchmark.py

## Lint, then the whole pytest suite (it builds the site into a temporary folder of its own).
test: $(STAMP) $(BROWSER_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Serve the built site on http://127.0.0.1:8000/ (Ctrl-C stops it); `make serve SITE=_build/demo/html` for the demo.
SITE ?= _build/html
serve:
	$(PYTHON) -m http.server 8000 --bind 127.0.0.1 --directory $(SITE)

clean:
	rm -rf _build
