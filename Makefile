# OneGov Architecture Registry — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo test test-embedded bench neo4j-start neo4j-stop clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or later is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)  ## create .venv and install the registry with its pinned dependencies

demo: install  ## load the national sample and Lào Cai's XLSX inventory into the embedded store; print statistics and findings; build the published sites
	$(BIN)/registry db start
	$(BIN)/registry import data/sample
	$(BIN)/registry import data/province
	$(BIN)/registry stats
	$(BIN)/registry analyze
	$(BIN)/registry docs build --all
	@echo "Published sites: run '$(BIN)/registry serve' and open http://127.0.0.1:8000/site/ (or open site/index.html)"

test: install  ## start a real Neo4j, run the whole suite on both stores, stop Neo4j
	tools/with-neo4j $(BIN)/python -m pytest

bench: install  ## benchmarks on both stores (never part of `make test`); figures in benchmarks/results/
	NEO4J_TEST_HEAP=2g NEO4J_TEST_PAGECACHE=1g tools/with-neo4j $(BIN)/python -m benchmarks

test-embedded: install  ## quick local loop: the embedded half only (CI always runs both)
	$(BIN)/python -m pytest -m "not neo4j"

neo4j-start:
	tools/neo4j/neo4j-test-server start

neo4j-stop:
	tools/neo4j/neo4j-test-server stop

clean:
	-$(BIN)/registry db stop
	-tools/neo4j/neo4j-test-server stop
	rm -rf $(VENV) .registry .pytest_cache
