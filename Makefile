# The two commands a new machine needs: `make site` and `make test`. Both set up everything on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: site demo quarter new-quarter import check explain preview issue correct rename add-unit publish benchmark test test-fast lint format serve clean venv system lock

# Python keeps its compiled modules (__pycache__) for every command here: some environments set
# PYTHONDONTWRITEBYTECODE, and then each process of a build (the builder, the notebook kernels, the
# workers, Sphinx) would compile the whole package again, seconds of every rebuild.
unexport PYTHONDONTWRITEBYTECODE

venv: $(STAMP)

# Debian packages: Chromium runs the browser tests and the page weights; fonts-noto-cjk lets it draw
# Chinese; poppler-utils reads PDFs back in the tests; fonts-liberation2 gives the official
# document its Times New Roman look-alike; LibreOffice Writer (no GUI) prints each .docx to its PDF
# (laid out as an office suite on a staff machine lays it out), and LibreOffice Calc saves the entry
# workbook in the tests as Excel and WPS do; nginx serves the built site with deploy/nginx.conf in the tests; rsync
# and ssh carry `make publish` to a server. The official document's open Chinese fonts
# (Fandol: Song, FangSong, Hei, Kai) are taken from Debian's texlive-lang-chinese package without
# installing TeX. Installed once (root, or sudo when there is one), and again when this list changes
# (the stamp depends on the Makefile); nothing is downloaded at build time.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_STAMP := $(VENV)/.system
DEBIAN_PACKAGES := chromium fonts-noto-cjk poppler-utils fonts-liberation2 libreoffice-writer-nogui libreoffice-calc-nogui nginx rsync openssh-client
FONTS := $(VENV)/share/fonts/fandol
FANDOL := usr/share/texlive/texmf-dist/fonts/opentype/public/fandol

system: $(SYSTEM_STAMP)

$(SYSTEM_STAMP): Makefile | $(STAMP)
	@if command -v chromium >/dev/null 2>&1 && dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1; then \
		echo "$(DEBIAN_PACKAGES) are installed"; \
	else \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DEBIAN_PACKAGES); \
	fi
	@if [ ! -f $(FONTS)/FandolFang-Regular.otf ]; then \
		tmp=$$(mktemp -d) && chmod a+rwx $$tmp && cd $$tmp && apt-get download texlive-lang-chinese >/dev/null && \
		dpkg-deb -x texlive-lang-chinese_*.deb x && cd - >/dev/null && mkdir -p $(FONTS) && \
		for f in FandolSong-Bold FandolFang-Regular FandolHei-Regular FandolKai-Regular; do \
			install -m 644 $$tmp/x/$(FANDOL)/$$f.otf $(FONTS)/; done && rm -rf $$tmp; \
	fi
	@# Check that LibreOffice will find the Fandol fonts under the office names the .docx uses.
	$(PY) -m hotline.document.fonts
	touch $(SYSTEM_STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Compile the direct dependencies declared in pyproject.toml into requirements.txt (pinned, hashed).
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --no-header -o requirements.txt

## Validate data/, run every notebook with papermill, build the book into _build/html.
site: $(STAMP) $(SYSTEM_STAMP)
	$(PY) -m hotline.site

## Re-run one quarter's notebook even if nothing changed, then rebuild: make quarter Q=2024Q1
quarter: $(STAMP) $(SYSTEM_STAMP)
	@test -n "$(Q)" || { echo "用法：make quarter Q=2024Q1"; exit 2; }
	$(PY) -m hotline.site --rerun $(Q)

## The entry workbook for a new quarter, from the unit registry: make new-quarter Q=2024Q2
new-quarter: $(STAMP)
	@test -n "$(Q)" || { echo "用法：make new-quarter Q=2024Q2"; exit 2; }
	$(PY) scripts/new_quarter.py $(Q)

## The staff's cycle, one command a step (each prints what to do next, in Chinese). Values with
## spaces or Chinese are read by the scripts from the environment (make passes command-line variables
## there), so nothing typed is ever interpreted by the shell.

## Import the filled-in workbook as a draft: make import FILE=2024Q2-录入表.xlsx BY=张三
import: $(STAMP)
	@test -n "$(FILE)" -a -n "$(BY)" || { echo "用法：make import FILE=录入表.xlsx BY=录入人姓名"; exit 2; }
	$(PY) scripts/import_quarter.py "$$FILE" --entered-by "$$BY"

## Before issuing: every difference between what staff typed and the tables or rules: make check Q=2024Q2
check: $(STAMP)
	@test -n "$(Q)" || { echo "用法：make check Q=2024Q2"; exit 2; }
	$(PY) scripts/check_quarter.py $(Q)

## Explain a difference that stays as typed (its number or key from make check): make explain Q=2024Q2 ITEM=1 WHY="原因"
explain: $(STAMP)
	@test -n "$(Q)" -a -n "$(ITEM)" -a -n "$(WHY)" || { echo '用法：make explain Q=2024Q2 ITEM=1 WHY="保留这处差异的原因"'; exit 2; }
	$(PY) scripts/explain_difference.py $(Q) "$$ITEM" --reason "$$WHY"

## The site with drafts, for staff only, every draft page and document marked 草稿 → _build/preview/html
preview: $(STAMP) $(SYSTEM_STAMP)
	$(PY) -m hotline.site --preview

## Issue a draft: refuses while anything is missing; keeps the issued .docx and PDF as the record: make issue Q=2024Q2
issue: $(STAMP) $(SYSTEM_STAMP)
	@test -n "$(Q)" || { echo "用法：make issue Q=2024Q2"; exit 2; }
	$(PY) scripts/issue_quarter.py $(Q)

## A correction to an issued quarter, after editing its files: make correct Q=2024Q1 WHAT="改动内容" WHY="原因"
correct: $(STAMP)
	@test -n "$(Q)" -a -n "$(WHAT)" -a -n "$(WHY)" || { echo '用法：make correct Q=2024Q1 WHAT="尧禾镇承办工单量64改为65" WHY="原因"'; exit 2; }
	$(PY) scripts/correct_quarter.py $(Q) --change "$$WHAT" --reason "$$WHY"

## A unit renamed from the next quarter on: make rename FROM=市场局 TO=市场监督管理局
rename: $(STAMP)
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "用法：make rename FROM=原名称 TO=新名称"; exit 2; }
	$(PY) scripts/registry.py rename "$$FROM" "$$TO"

## A new unit: make add-unit NAME=数据局 KIND=部门 (KIND: 镇办, 部门, 企业 or 其他; PARENT=上级部门 for a sub-unit)
add-unit: $(STAMP)
	@test -n "$(NAME)" -a -n "$(KIND)" || { echo "用法：make add-unit NAME=单位名称 KIND=部门 [PARENT=上级部门]"; exit 2; }
	$(PY) scripts/registry.py add "$$NAME" --kind "$$KIND" --parent "$${PARENT:-}"

## Copy the built public site to the web server set in publish.toml, and verify it there.
publish: $(STAMP)
	$(PY) scripts/publish_site.py

## The site from real 2024 Q1 plus three generated example quarters (marked 示例数据) → _build/demo/html.
demo: $(STAMP) $(SYSTEM_STAMP)
	$(PY) -m hotline.site --demo

## Build speed on 40 generated quarters × 300 units (under _build/bench/), and page weight; prints a table.
benchmark: $(STAMP) $(SYSTEM_STAMP)
	$(PY) scripts/benchmark.py

## Lint, then the whole pytest suite in random order (it builds the site once, into a temporary folder).
test: $(STAMP) $(SYSTEM_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@start=$$(date +%s); HYPOTHESIS_PROFILE=full $(PY) -m pytest -p randomly -n 2 --dist load; status=$$?; \
		echo "make test: pytest took $$(( $$(date +%s) - start )) s"; exit $$status

## The tests that build no site and start no outside program (data, rules, pages, documents' content):
## under 30 seconds. The notebooks run in a Jupyter kernel and the .docx laid out by LibreOffice are
## tested by make test.
test-fast: $(STAMP) $(SYSTEM_STAMP)
	@start=$$(date +%s); HYPOTHESIS_PROFILE=quick $(PY) -m pytest -p randomly -n 2 --dist load -m "not site and not external"; status=$$?; \
		echo "make test-fast: pytest took $$(( $$(date +%s) - start )) s"; exit $$status

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
