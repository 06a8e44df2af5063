# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench fuzz package deb package-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/keystore-gui $(FILES)

test: lint typecheck unit

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

unit: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/list_speed.py
	$(PY) benchmarks/gui_open.py
	$(PY) benchmarks/startup.py

fuzz: $(STAMP)
	$(PY) -m tests.fuzz --inputs 100000

# The self-contained app in dist/keystore-gui, then its smoke check on Xvfb (slow: not part of
# `test`; .ci/run runs both).
PACKAGE_STAMP := $(VENV)/.package-installed
$(PACKAGE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,package]'
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	PYTHON=$(PY) packaging/build.sh

# dist/keystore-gui_<version>_<arch>.deb from that folder (dpkg-deb).
deb: package
	packaging/linux/build-deb.sh

# The double-click path end to end: the app and its smoke check, the .deb installed with apt-get,
# used from /usr/bin on Xvfb, removed without a trace (needs root or sudo; ~5 minutes).
package-check: deb
	packaging/linux/deb-check.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
