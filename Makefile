# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench bench-quick clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
	touch $(STAMP)

run: setup
	$(BIN)/reader

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q
	$(BIN)/ruff check .

lint: setup
	$(BIN)/ruff check .

# Benchmarks (tests/bench/RESULTS.md). tantivy is an optional peer: if it does not install,
# its figures read n/a. The word list (Debian's wbritish) is not installed here: that needs
# root and apt; without it the corpus generator derives its vocabulary from the corpus.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,cluster,bench]' \
		|| echo "bench: tantivy not installed; its peer figures will read n/a"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench --full

bench-quick: $(BENCH_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench --quick

clean:
	rm -rf $(VENV) build *.egg-info
