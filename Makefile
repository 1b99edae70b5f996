# One command sets up and runs each job; the virtual environment is created when missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench catalogs screenshot help-text clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ocr]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/extract raw/h24.txt

lint: $(STAMP)
	$(BIN)/ruff check extractor tests benchmarks docs
	$(BIN)/ruff format --check extractor tests benchmarks docs
	$(BIN)/mypy extractor tests

# pytest exits 5 when it collects no tests; that is not a failure of the code.
# Two test processes, whatever the cores: a scan test keeps both cores busy only part of
# its time (printing, comparing, its last page alone), and the other process fills the gaps.
test: lint
	$(BIN)/pytest -q -n 2 --dist worksteal; status=$$?; if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

# Messages for people: extract them from the code and templates, merge them into the
# Japanese catalog (fill in new msgstr entries by hand), and compile it.
# Click's own messages (usage errors, "Usage:", "Options:") are extracted from click's
# source into the same catalog, so that they are shown in Japanese too.
catalogs: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg -k Plural:1,2 -o build/extractor.pot --no-location --sort-output --no-wrap --project packet-extractor .
	$(BIN)/pybabel extract -o build/click.pot --no-location --sort-output --no-wrap "$$($(BIN)/python -c 'import click, os; print(os.path.dirname(click.__file__))')"
	$(BIN)/python -c "import sys; from babel.messages.pofile import read_po, write_po; ours = read_po(open('build/extractor.pot', 'rb')); [ours.add(m.id, context=m.context) for m in read_po(open('build/click.pot', 'rb')) if m.id and m.id not in ours]; write_po(open('build/extractor.pot', 'wb'), ours, width=0, sort_output=True, omit_header=False)"
	$(BIN)/pybabel update -i build/extractor.pot -d extractor/locale -D extractor --no-wrap --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d extractor/locale -D extractor --statistics

# `extract --help` prints this text without loading click; a test keeps it current.
help-text: $(STAMP)
	COLUMNS=80 LANG=C.UTF-8 LC_ALL= LANGUAGE= $(BIN)/python -c "from click.testing import CliRunner; from extractor.cli import main; print(CliRunner().invoke(main, ['--help'], prog_name='extract').output, end='')" > extractor/help.txt
	COLUMNS=80 LANG=ja_JP.UTF-8 LC_ALL= LANGUAGE= $(BIN)/python -c "from click.testing import CliRunner; from extractor.cli import main; print(CliRunner().invoke(main, ['--help'], prog_name='extract').output, end='')" > extractor/help.ja.txt

# The picture of the report's first screen in the README (needs Debian's chromium).
screenshot: $(STAMP)
	PYTHONPATH=. $(BIN)/python docs/screenshot.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
