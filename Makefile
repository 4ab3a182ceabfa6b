# The README's two commands: `make demo` (the main job on the bundled samples) and
# `make test` (the whole test suite, with lint and type checks). Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint office bench clean catalog dist dist-test web-demo web-services

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job on the bundled demo county: the whole round (validate, annotated copies,
# report, summary with 同比) and the templates for next year's roster.
demo: $(STAMP)
	$(BIN)/consolidate run samples/demo/submissions --roster samples/demo/roster.csv \
	  --previous samples/demo/previous --year 2025 --templates --out out/demo

# The web application on the demo county (README: 网页报送): a fresh data folder out/web-demo,
# the office account demo (password demo-password-2025), a round opened from the demo roster
# with the demo county's files imported, then the server on http://127.0.0.1:8000/ (Ctrl-C stops it).
web-demo: $(STAMP)
	rm -rf out/web-demo
	printf 'demo-password-2025\n' | $(BIN)/consolidate office adduser demo --admin --data out/web-demo
	round=$$($(BIN)/consolidate office open-round --data out/web-demo --roster samples/demo/roster.csv \
	  --year 2025 --links out/web-demo/报送链接.csv | tail -n 1) && \
	{ $(BIN)/consolidate office import $$round samples/demo/submissions --data out/web-demo || [ $$? -eq 1 ]; }
	$(BIN)/consolidate serve --data out/web-demo

# The text catalog: compile consolidate/locale/*/LC_MESSAGES/django.po (the .mo files are committed).
catalog: $(STAMP)
	$(BIN)/python scripts/compile_catalog.py

lint: $(STAMP)
	$(BIN)/ruff check consolidate tests benchmarks samples scripts
	$(BIN)/mypy
	$(BIN)/mypy scripts

# LibreOffice (headless) for the tests that recalculate a workbook in a real office suite; bsdtar for .rar.
office:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libreoffice-calc-nogui fonts-noto-cjk; \
	  else echo "LibreOffice is missing and we are not root: the office tests will be skipped"; fi; }
	@# bsdtar: rarfile's back end for .rar bundles; Writer: the published .docx tables rendered to PDF
	@{ command -v bsdtar >/dev/null 2>&1 && dpkg -s libreoffice-writer-nogui >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libarchive-tools libreoffice-writer-nogui; \
	  else echo "bsdtar or LibreOffice Writer is missing and we are not root: their tests will be skipped"; fi; }

# The web tests' services: Debian's chromium + chromium-driver (the browser test), a running
# PostgreSQL cluster with the role consolidate_test (CREATEDB; pg_signal_backend, so that dropping a
# test database may end an autovacuum worker in it), for the contract on PostgreSQL,
# and nginx + openssl (the proxy test starts its own nginx with a self-signed certificate).
web-services:
	@if [ "$$(id -u)" = 0 ]; then \
	  { command -v chromium && command -v chromedriver && command -v pg_ctlcluster && \
	    { command -v nginx || test -x /usr/sbin/nginx; } && command -v openssl; } >/dev/null 2>&1 || \
	    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver postgresql nginx openssl; }; \
	  ver=$$(ls /usr/lib/postgresql | sort -n | tail -n 1); \
	  pg_lsclusters -h | grep -q "^$$ver main" || pg_createcluster $$ver main; \
	  pg_lsclusters -h | grep -q "^$$ver main .* online" || pg_ctlcluster $$ver main start; \
	  su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='consolidate_test'\"" | grep -q 1 || \
	    su postgres -c "psql -qc \"CREATE ROLE consolidate_test LOGIN CREATEDB PASSWORD 'consolidate_test'\""; \
	  su postgres -c "psql -qc \"GRANT pg_signal_backend TO consolidate_test\"" >/dev/null 2>&1 || true; \
	else echo "not root: the web tests need chromium, chromium-driver, a PostgreSQL cluster and nginx (they fail under CI)"; fi

test: $(STAMP) office web-services lint
	$(BIN)/pytest

# Offline install bundles for office PCs (Linux x86_64 and aarch64, Windows amd64; Python 3.11) in dist/,
# with dist/SHA256SUMS: every wheel [project].dependencies needs there, our wheel, install.sh / install.bat.
dist: $(STAMP)
	$(BIN)/python scripts/dist/build.py

# The bundle for this machine installed with the network cut off, then the demo round run with it.
dist-test: dist
	$(BIN)/python scripts/dist/offline_check.py

# The speed benchmark (benchmarks/README.md), not part of `make test`: make bench BENCH_ARGS=--quick
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out build dist .pytest_cache .mypy_cache .ruff_cache
