# MLWire: `make run` starts the designer, `make test` runs the test suite.
# Both create .venv when it is absent and install what is needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test sysdeps testdeps bench docs clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Qt needs a few system libraries even offscreen; install them when root on Debian.
sysdeps:
	@sh packaging/install-sysdeps.sh

# PostgreSQL for the database tests; installed when root on Debian, else those tests skip.
testdeps:
	@sh packaging/install-postgres.sh

run: sysdeps $(STAMP)
	$(VENV)/bin/mlwire

test: sysdeps testdeps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench

docs: $(STAMP)
	$(VENV)/bin/mlwire nodes --markdown > docs/nodes.md

clean:
	rm -rf $(VENV) build *.egg-info
