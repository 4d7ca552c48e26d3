# mwtui developer commands. Both targets set up .venv themselves.
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/mwtui --demo

test: $(STAMP)
	$(VENV)/bin/ruff check mwtui tests $(wildcard bench)
	TEXTUAL_ANIMATIONS=none $(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check mwtui tests $(wildcard bench)
	$(VENV)/bin/ruff format --check mwtui tests $(wildcard bench)

bench: $(STAMP)
	$(VENV)/bin/python bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
