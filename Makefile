# mwtui developer commands. Both targets set up .venv themselves.
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

# (Re)create .venv when it is missing or broken (e.g. its Python was removed or upgraded);
# reinstall when pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml
	@$(VENV)/bin/python -c 'import sys' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/mwtui --demo

test: $(STAMP)
	$(VENV)/bin/ruff check mwtui tests $(wildcard bench)
	$(VENV)/bin/lint-imports --no-cache
	TEXTUAL_ANIMATIONS=none $(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check mwtui tests $(wildcard bench)
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff format --check mwtui tests $(wildcard bench)

bench: $(STAMP)
	$(VENV)/bin/python bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
