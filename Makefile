# Quick start: `make demo` (set up, rank the demo workspace, write output/) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PERIOD ?= 2021-10

.PHONY: demo test fuzz lint bench bench-works bench-stages fixtures system system-browser clean help screenshots i18n

help:
	@echo "make demo   set everything up and run the monthly ranking on the demo fixtures (output/$(PERIOD)/)"
	@echo "make test   set everything up, lint and run the whole test suite"
	@echo "make lint   ruff, mypy and the import contract (import-linter)"
	@echo "make fuzz   the hypothesis properties with new random examples (make test draws the same ones every run)"
	@echo "make bench  the end-to-end benchmark: ranking run at several sizes (bench/endtoend.py), hostile inputs (bench/inputs.py)"
	@echo "make bench-works  what the page \"What works for your team\" costs: reports and whole runs with and without it"
	@echo "make bench-stages  each stage alone, and the scoring against DuckDB and pandas (bench/run.py)"
	@echo "make i18n   extract the labels (messages.pot), update the fr/en catalogues (.po) and compile them (.mo)"
	@echo "make screenshots  the demo's pictures in docs/: leaderboard.html at phone and desktop widths, both languages"
	@echo "                  (docs/screenshots/), and a company report page (docs/company-report-emoji.png)"

# The system libraries of the PDFs; the tests and the screenshots also need Chromium (the demo does not).
system:
	@bash .ci/system-deps

system-browser:
	@bash .ci/system-deps --browser

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: system $(STAMP)
	$(BIN)/ranking run --workspace fixtures/demo --period $(PERIOD) --out output

screenshots: system-browser $(STAMP)
	$(BIN)/python -m tests.render.browser docs

fixtures: $(STAMP)
	$(BIN)/python fixtures/make_demo.py

# The message catalogues (docs/architecture.md, "Labels"): pybabel extracts every label named in ranking/ and
# templates/ (babel.cfg; t, tn and N_ are the project's keywords), merges them into each language's .po (a key no
# longer named is dropped, a new one comes empty: tests/report/test_catalogues.py fails until it is translated),
# and compiles the .mo files (also built by `pip install .`, setup.py).
LOCALE := templates/locale
I18N_KEYWORDS := -k t -k tn:1,1 -k N_ -k Nn_:1,1

i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(I18N_KEYWORDS) --no-location --no-wrap --sort-output \
		--omit-header -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) --no-wrap --no-fuzzy-matching --ignore-obsolete \
		--ignore-pot-creation-date
	$(BIN)/pybabel compile -d $(LOCALE) --statistics

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: system-browser $(STAMP) lint
	$(BIN)/pytest -n auto -q

# The properties with fresh random examples, many more of them (make test's are derandomized: CI never fails by
# chance); a failure found is kept in .hypothesis/ and replayed first next time.
fuzz: system $(STAMP)
	$(BIN)/pytest -n auto -q --hypothesis-profile=fuzz $$(grep -rl "^from hypothesis import" tests --include="test_*.py")

BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $(BENCH_STAMP)

# The whole `ranking run` as a user runs it, at several sizes: wall, CPU and peak RSS of the process tree.
# BENCH_ARGS: e.g. "--sizes 100:1000:1000000,1000:10000:5000000" (see bench/endtoend.py --help)
# Then hostile inputs (issue 23): `ranking validate` on a 1 GB sparse CSV, a 200 MB JSON string, 100,000 columns,
# XLSX far cells and zip bombs, generated at bench time: wall and peak RSS (bench/inputs.py).
bench: system $(STAMP) $(BENCH_STAMP)
	$(BIN)/python bench/endtoend.py $(BENCH_ARGS)
	$(BIN)/python bench/inputs.py
	$(BIN)/python bench/wide_roster.py

# What the company report's page "What works for your team" costs (issue 24): 30 reports with and without it, then
# whole `ranking run`s at 200 companies with and without it, alternating (bench/results/issue-24-what-works.md).
bench-works: system $(STAMP) $(BENCH_STAMP)
	$(BIN)/python bench/works_cost.py --whole

# Each stage alone, and the scoring against DuckDB and pandas.
# STAGES_ARGS: e.g. "--posts 50000000 --references duckdb" (see bench/run.py --help)
bench-stages: system $(STAMP) $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(STAGES_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
	find output -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
