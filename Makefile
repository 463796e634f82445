# Build and test the book. `make book` and `make test` each start from nothing:
# they create the virtual environment, install the pinned packages and the Debian
# packages the PDF needs, then do their work.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
JB := $(BIN)/jupyter-book
BUILD := _build
# Sphinx: nitpicky, warnings are errors, but report them all.
JB_FLAGS := -n -W --keep-going
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
FINGERPRINT := $(BUILD)/.inputs.sha256

.PHONY: book html pdf test unit nbval system-deps cache-check prefetch bench clean help

help:
	@echo "make book   - build the HTML and PDF book into $(BUILD)/"
	@echo "make test   - build the book, then run every test (unit, data, nbval, build checks)"
	@echo "make bench  - time execution, builds, nbval and PDF in a scratch copy; print ratios and targets"
	@echo "make clean  - remove $(BUILD)/ and $(VENV)/"

$(BIN)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "requirements.txt is pinned for Python 3.11; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# cffconvert pins jsonschema 3, which jupyter-book's stack cannot share.
TOOLS := .venv-tools
$(TOOLS)/.installed: .ci/requirements-cffconvert.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet -r .ci/requirements-cffconvert.txt
	touch $@

system-deps:
	bash .ci/system-deps

# jupyter-cache keys only on a notebook's code cells. A changed data file,
# shared package or pinned dependency must also trigger re-execution, so the
# cache is dropped whenever their fingerprint changes.
cache-check: $(BIN)/.installed
	@mkdir -p $(BUILD)
	@current=$$(find data korean_ott requirements.txt -type f ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); \
	if [[ ! -f $(FINGERPRINT) || "$$(cat $(FINGERPRINT))" != "$$current" ]]; then \
	  echo "Data, package or requirements changed: clearing the execution cache."; \
	  rm -rf $(BUILD)/.jupyter_cache; \
	  echo "$$current" > $(FINGERPRINT); \
	fi

html: $(BIN)/.installed system-deps cache-check
	$(JB) build . --builder html $(JB_FLAGS) || { rm -rf $(BUILD)/html; echo "HTML build failed; partial output removed." >&2; exit 1; }

pdf: $(BIN)/.installed system-deps cache-check
	rm -f $(BUILD)/latex/book.pdf
	$(JB) build . --builder latex $(JB_FLAGS)
	cd $(BUILD)/latex && latexmk -xelatex -interaction=nonstopmode -halt-on-error -file-line-error book.tex >latexmk.out 2>&1 \
	  || { tail -40 latexmk.out >&2; rm -f book.pdf; exit 1; }
	@if grep -q "Missing character" $(BUILD)/latex/book.log; then \
	  grep "Missing character" $(BUILD)/latex/book.log | sort -u | head -20 >&2; \
	  rm -f $(BUILD)/latex/book.pdf; echo "PDF has characters missing from its fonts." >&2; exit 1; fi
	@echo "PDF: $(BUILD)/latex/book.pdf"

book: html pdf

unit: $(BIN)/.installed
	$(BIN)/python -m pytest tests -q

nbval: $(BIN)/.installed system-deps
	$(BIN)/python -m pytest $(NBVAL) chapters -q

# Everything in one pytest run: unit tests, data-package checks, strict nbval
# re-execution of every notebook, and checks of the built HTML and PDF.
test: book $(TOOLS)/.installed
	BOOK_BUILT=1 $(BIN)/python -m pytest -n 2 --dist loadscope tests chapters $(NBVAL) -q

# Optional: run the notebooks missing from the execution cache two at a time;
# the book build then finds them cached (about 0.6x a cold build's time).
prefetch: $(BIN)/.installed cache-check
	$(BIN)/python .ci/prefetch

# Benchmark, not a test: measures in a temporary copy and leaves _build/ alone.
bench: $(BIN)/.installed system-deps
	$(BIN)/python .ci/bench $(BENCH_FLAGS)

clean:
	rm -rf $(BUILD) $(VENV) $(TOOLS) *.egg-info
