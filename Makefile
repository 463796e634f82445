# Build and test the book. `make book` and `make test` each start from nothing:
# they create the virtual environment and install the pinned packages; the PDF
# and the browser tests also check for the system tools they need (XeLaTeX, the
# Korean fonts, Chromium), installing them on Debian/Ubuntu when run as root and
# otherwise saying how to install them (apt, Homebrew/MacTeX).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
BIN := $(VENV)/bin
JB := $(BIN)/jupyter-book
BUILD := _build
# Sphinx: nitpicky, warnings are errors, but report them all.
JB_FLAGS := -n -W --keep-going
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
FINGERPRINT := $(BUILD)/.inputs.sha256
SYSTEM_DEPS := bash .ci/system-deps

# --- Python: 3.11.2 up to 3.13 -------------------------------------------------
# PYTHON=/path/to/python3.x chooses the interpreter (a .venv made with another
# version is then remade). Without it: the interpreter of an existing .venv, or
# else the first of PYTHON_CANDIDATES on PATH that runs, is a supported version
# and has the venv module.
PYTHON_CANDIDATES := python3.11 python3.12 python3.13 python3
PY_CHECK := import sys, venv, ensurepip; sys.exit(not (3, 11, 2) <= sys.version_info[:3] < (3, 14))
PY_VERSION_OF = $(shell $(1) -c 'import platform; print(platform.python_version())' 2>/dev/null)
ifeq ($(origin PYTHON),undefined)
  ifneq ($(wildcard $(BIN)/python),)
    PYTHON := $(shell $(BIN)/python -c 'import sys; print(getattr(sys, "_base_executable", sys.executable))' 2>/dev/null)
  endif
  ifeq ($(PYTHON),)
    PYTHON := $(shell for c in $(PYTHON_CANDIDATES); do p=$$(command -v $$c 2>/dev/null) || continue; \
      "$$p" -c '$(PY_CHECK)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
  endif
else ifneq ($(wildcard $(BIN)/python),)
  # An explicit PYTHON of another version than the .venv's remakes the .venv.
  ifneq ($(call PY_VERSION_OF,$(BIN)/python),$(call PY_VERSION_OF,$(PYTHON)))
    STALE_VENV := stale-venv
  endif
endif

# --- Reproducible outputs ------------------------------------------------------------
# Tools that stamp a build date use this one instead of the clock: Sphinx, matplotlib,
# XeTeX (with FORCE_SOURCE_DATE, see pdf) and xdvipdfmx, whose font subset tags and
# document /ID are otherwise random. It is the last commit's time, or outside a git
# checkout CITATION.cff's date-released (.ci/source-date-epoch); one set by the caller is kept.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
  ifneq ($(wildcard .ci/source-date-epoch),)
    SOURCE_DATE_EPOCH := $(shell $(or $(PYTHON),python3) .ci/source-date-epoch)
  endif
endif
# Never exported empty: Sphinx and xdvipdfmx reject an empty value.
ifneq ($(SOURCE_DATE_EPOCH),)
  export SOURCE_DATE_EPOCH
endif

.PHONY: book html pdf test unit nbval lab lock python-info pdf-deps browser-deps system-deps fonts cache-check \
        prefetch bench clean help stale-venv manifest reprocheck codecheck

help:
	@echo "make book   - build the HTML book, and the PDF if XeLaTeX and the Korean fonts are installed, into $(BUILD)/"
	@echo "make html   - build the HTML book only (needs nothing but Python)"
	@echo "make pdf    - build the PDF book (fails, saying what to install, without XeLaTeX and the fonts)"
	@echo "make test   - build the book, then run every test (unit, data, nbval, build, browser, lab)"
	@echo "make lab    - start JupyterLab on chapters/ with the project's kernel (LAB_PORT=$(LAB_PORT))"
	@echo "make lock   - re-resolve requirements.txt from requirements.in (run with the oldest Python, 3.11.2)"
	@echo "make bench  - time execution, builds, nbval and PDF in a scratch copy; print ratios and targets"
	@echo "make reprocheck - build HEAD twice from two fresh clones; the outputs must be byte-identical"
	@echo "make codecheck  - regenerate codecheck.yml (CODECHECK manifest of every figure and table)"
	@echo "make clean  - remove $(BUILD)/, $(VENV)/ and .venv-tools/"
	@echo "Python: $(or $(PYTHON),none found) (override with PYTHON=/path/to/python3.11|3.12|3.13)"

python-info:
	@echo "PYTHON=$(PYTHON)"
	@echo "version=$(call PY_VERSION_OF,$(PYTHON))"

define NO_PYTHON
No supported Python found (3.11.2 to 3.13, with the venv module; tried $(PYTHON_CANDIDATES)).
  Debian/Ubuntu: sudo apt-get install python3 python3-venv
  macOS (Homebrew): brew install python@3.12
  or choose one: make PYTHON=/path/to/python3.12 ...
endef
export NO_PYTHON

stale-venv:
	@echo "$(VENV) was made with Python $(call PY_VERSION_OF,$(BIN)/python); remaking it with $(PYTHON) ($(call PY_VERSION_OF,$(PYTHON)))."

$(BIN)/.installed: requirements.txt .ci/requirements-bootstrap.txt pyproject.toml $(STALE_VENV)
	@[[ -n "$(PYTHON)" ]] || { echo "$$NO_PYTHON" >&2; exit 1; }
	@$(PYTHON) -c '$(PY_CHECK)' 2>/dev/null || { echo "$(PYTHON) is not Python 3.11.2 to 3.13 with the venv module." >&2; \
	  echo "$$NO_PYTHON" >&2; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	@# uv installs the same pinned wheels as pip, in parallel: about 20 s instead of 65 s.
	@# Where uv cannot be installed or fails, pip installs them instead. Both compile the
	@# modules' bytecode now: where PYTHONDONTWRITEBYTECODE is set, Python would otherwise
	@# compile every module it imports, in every kernel and build, every time.
	if $(BIN)/python -m pip install --quiet -r .ci/requirements-bootstrap.txt; then \
	  $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt \
	    || $(BIN)/python -m pip install --quiet -r requirements.txt; \
	else \
	  $(BIN)/python -m pip install --quiet -r requirements.txt; \
	fi
	@# The kernel JupyterLab and the book use: this .venv's Python, listed first (JUPYTER_PATH, see lab).
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	touch $@

# cffconvert pins jsonschema 3, which jupyter-book's stack cannot share.
TOOLS := .venv-tools
$(TOOLS)/.installed: .ci/requirements-cffconvert.txt $(BIN)/.installed
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(TOOLS)/bin/python -r .ci/requirements-cffconvert.txt 2>/dev/null \
	  || $(TOOLS)/bin/python -m pip install --quiet -r .ci/requirements-cffconvert.txt
	touch $@

# System tools, by what needs them (see .ci/system-deps). The HTML needs none:
# without the Korean fonts it still builds, with a warning (figures then draw
# Hangul with a fallback font).
fonts:
	@$(SYSTEM_DEPS) --optional fonts
pdf-deps:
	@$(SYSTEM_DEPS) pdf
browser-deps:
	@$(SYSTEM_DEPS) browser
# Everything at once (installs it on Debian/Ubuntu as root).
system-deps:
	@$(SYSTEM_DEPS) fonts pdf browser

# jupyter-cache keys only on a notebook's code cells. A changed data file,
# shared package, pinned dependency, Python version or set of Korean fonts must
# also trigger re-execution, so the cache is dropped whenever their fingerprint changes.
cache-check: $(BIN)/.installed
	@mkdir -p $(BUILD)
	@current=$$( { find data korean_ott requirements.txt -type f ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; \
	  $(BIN)/python -VV 2>/dev/null || true; \
	  { fc-list :lang=ko family 2>/dev/null || true; } | LC_ALL=C sort; } | sha256sum | cut -d' ' -f1); \
	if [[ ! -f $(FINGERPRINT) || "$$(cat $(FINGERPRINT))" != "$$current" ]]; then \
	  echo "Data, package, requirements, Python or fonts changed: clearing the execution cache."; \
	  rm -rf $(BUILD)/.jupyter_cache; \
	  echo "$$current" > $(FINGERPRINT); \
	fi

# An output whose inputs have not changed since it was built is not built again
# (so `make test` after `make book` goes straight to the tests). The inputs: every
# file the book is made from, the fingerprint above (Python, fonts) and the build
# date. The stamp is written only after a build that succeeded.
BOOK_SOURCES := _config.yml _toc.yml CITATION.cff references.bib requirements.txt pyproject.toml \
                chapters _ext _static _vendor korean_ott data
INPUTS_HASH := { find $(BOOK_SOURCES) -type f ! -name '*.pyc' ! -path '*/.ipynb_checkpoints/*' -print0 \
                 | LC_ALL=C sort -z | xargs -0 sha256sum; cat $(FINGERPRINT); echo "date $(SOURCE_DATE_EPOCH)"; } \
               | sha256sum | cut -d' ' -f1
HTML_STAMP := $(BUILD)/.html-inputs.sha256
PDF_STAMP := $(BUILD)/.pdf-inputs.sha256
PREFETCH := $(BIN)/python .ci/prefetch
LATEXMK := latexmk

# Notebooks missing from the execution cache are executed one per core by
# .ci/prefetch while Sphinx starts and reads the Markdown pages; Sphinx waits for
# each notebook to be cached before reading it (_ext/prefetch_wait.py). A notebook
# that fails there is executed again by the build, which reports the failure in full.
html: $(BIN)/.installed fonts cache-check
	@current=$$($(INPUTS_HASH)); \
	if [[ -f $(BUILD)/html/index.html && -f $(HTML_STAMP) && "$$(cat $(HTML_STAMP))" == "$$current" ]]; then \
	  echo "HTML up to date: no input changed since $(BUILD)/html was built."; exit 0; fi; \
	rm -f $(HTML_STAMP); \
	echo "$(PREFETCH) &"; $(PREFETCH) & prefetch=$$!; \
	echo "$(JB) build . --builder html $(JB_FLAGS)"; \
	$(JB) build . --builder html $(JB_FLAGS) \
	  || { kill $$prefetch 2>/dev/null || true; wait $$prefetch || true; rm -rf $(BUILD)/html; \
	       echo "HTML build failed; partial output removed." >&2; exit 1; }; \
	wait $$prefetch; \
	echo "$$current" > $(HTML_STAMP)

pdf: $(BIN)/.installed pdf-deps cache-check
	@current=$$($(INPUTS_HASH)); \
	if [[ -f $(BUILD)/latex/book.pdf && -f $(PDF_STAMP) && "$$(cat $(PDF_STAMP))" == "$$current" ]]; then \
	  echo "PDF up to date: no input changed since $(BUILD)/latex/book.pdf was built."; exit 0; fi; \
	rm -f $(PDF_STAMP) $(BUILD)/latex/book.pdf; \
	echo "$(JB) build . --builder latex $(JB_FLAGS)"; \
	$(JB) build . --builder latex $(JB_FLAGS); \
	cd $(BUILD)/latex; \
	FORCE_SOURCE_DATE=1 $(LATEXMK) -xelatex -interaction=nonstopmode -halt-on-error -file-line-error book.tex >latexmk.out 2>&1 \
	  || { tail -40 latexmk.out >&2; rm -f book.pdf; exit 1; }; \
	if grep -q "Missing character" book.log; then \
	  grep "Missing character" book.log | sort -u | head -20 >&2; \
	  rm -f book.pdf; echo "PDF has characters missing from its fonts." >&2; exit 1; fi; \
	cd - >/dev/null; echo "$$current" > $(PDF_STAMP); \
	echo "PDF: $(BUILD)/latex/book.pdf"

# The HTML always; the PDF when its tools are there (or can be installed: Debian
# as root). Without them `make book` still succeeds, saying the PDF was skipped
# and why; `make pdf` (and `make test`) fail instead.
book: html
	@if $(SYSTEM_DEPS) pdf; then \
	  $(MAKE) --no-print-directory pdf; \
	else \
	  echo "PDF skipped: the tools listed above are missing. The HTML book is in $(BUILD)/html/; \`make pdf\` builds the PDF once they are installed." >&2; \
	fi
	@if [[ -d $(BUILD)/html ]]; then $(MAKE) --no-print-directory manifest; fi

# $(BUILD)/MANIFEST.sha256: the SHA-256 of every output file, in sha256sum's format
# (korean_ott/build_manifest.py says which files, and which not and why; standard
# library only, so it needs no .venv).
manifest:
	$(or $(PYTHON),python3) -m korean_ott.build_manifest write $(BUILD)

# Two builds of HEAD, from two fresh clones in other folders, at other times and
# in other time zones, must give the same MANIFEST.sha256 (.ci/reprocheck; about
# 3 minutes on 2 cores, so not part of `make test`; .ci/run runs it after it).
REPROCHECK_FLAGS ?=
reprocheck: $(BIN)/.installed
	$(BIN)/python .ci/reprocheck $(REPROCHECK_FLAGS)

# codecheck.yml lists every figure and table for a CODECHECK, generated from the
# committed notebooks (tests/test_codecheck.py requires it to be current).
codecheck: $(BIN)/.installed
	$(BIN)/python -m korean_ott.book_map

unit: $(BIN)/.installed
	$(BIN)/python -m pytest tests -q

nbval: $(BIN)/.installed fonts
	$(BIN)/python -m pytest $(NBVAL) chapters -q

# Everything in one pytest run: unit tests, data-package checks, strict nbval
# re-execution of every notebook, checks of the built HTML and PDF, the browser
# tests and JupyterLab. Needs the PDF and browser tools (it stops, saying what
# to install, without them).
test: html pdf manifest browser-deps $(TOOLS)/.installed
	BOOK_BUILT=1 $(BIN)/python -m pytest -n 2 --dist loadscope tests chapters $(NBVAL) -q

# JupyterLab on chapters/, for running a chapter and its exercises. The .venv's
# kernel comes first (JUPYTER_PATH), whatever kernels the user has elsewhere.
LAB_PORT ?= 8888
LAB_IP ?= 127.0.0.1
LAB_FLAGS ?=
# Jupyter refuses to run as root (as in containers and CI) unless told to.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(BIN)/.installed
	@echo "JupyterLab on chapters/ with the kernel of $(VENV) ($(call PY_VERSION_OF,$(BIN)/python)); open the http://$(LAB_IP):$(LAB_PORT)/lab?token=... address it prints. Ctrl-C stops it."
	JUPYTER_PATH=$(CURDIR)/$(VENV)/share/jupyter $(BIN)/jupyter lab --no-browser --ip=$(LAB_IP) --port=$(LAB_PORT) \
	  --ServerApp.port_retries=0 --ServerApp.root_dir=$(CURDIR)/chapters $(LAB_ROOT) $(LAB_FLAGS)

# Re-resolve the lock (see .ci/lock): with the oldest supported Python, so that
# every pin installs on it; tests/test_environment.py then checks the wheels.
lock:
	@[[ -n "$(PYTHON)" ]] || { echo "$$NO_PYTHON" >&2; exit 1; }
	PYTHON=$(PYTHON) bash .ci/lock

# Run the notebooks missing from the execution cache one per core (as `make html` does).
prefetch: $(BIN)/.installed cache-check
	$(BIN)/python .ci/prefetch

# Benchmark, not a test: measures in a temporary copy and leaves _build/ alone.
bench: $(BIN)/.installed fonts
	$(BIN)/python .ci/bench $(BENCH_FLAGS)

clean:
	rm -rf $(BUILD) $(VENV) $(TOOLS) *.egg-info
