# DNN Playground. `make run` starts the app, `make test` runs every test, `make bench`
# measures the engine against its peers and `make bench-live` the live view in Chromium.
# Each installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

# One BLAS thread: multithreaded OpenBLAS made small matmuls 80x slower on 2 cores.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: run test test-fast test-deploy bench bench-race bench-live bench-capacity soak browser clean

$(BIN)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(BIN)/.bench: $(BIN)/.dev requirements-bench.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-bench.txt
	touch $@

# Debian's Chromium drives the browser tests (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

run: $(BIN)/.runtime
	@echo "DNN Playground: open http://localhost:$(PORT)"
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --server.fileWatcherType none

test: $(BIN)/.dev browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -p no:cacheprovider tests

test-fast: $(BIN)/.dev
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -p no:cacheprovider -m "not browser" tests

# Deployments as users run them (about 6 minutes; fresh venvs cached in .deploy-venvs/):
# Community Cloud simulated on Python 3.12 and 3.13, the container's files and commands, and
# two replicas behind HAProxy (Debian's package, installed here) with a replica killed and a
# session past its TTL.
test-deploy: $(BIN)/.dev browser
	@command -v haproxy >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq haproxy >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq haproxy >/dev/null; fi; }
	$(BIN)/python -m pytest -q -p no:cacheprovider -m deploy tests/deploy

bench: $(BIN)/.bench
	$(BIN)/python -m benchmarks.engine

# Compare's Run to epoch (the init preset, 3 x 15,000 epochs) with a PyTorch loop beside it
# (about 90 s on a quiet machine; --against adds another copy of the engine, see its docstring).
bench-race: $(BIN)/.bench
	$(BIN)/python -m benchmarks.race

# The app in Chromium, with TF Playground beside it in the same rounds when TFP_DIST names a
# build of it (see benchmarks/tfp.py); about 10 minutes on a quiet machine.
bench-live: $(BIN)/.dev browser
	$(BIN)/python -m benchmarks.live $(if $(TFP_DIST),--tfp-dist $(TFP_DIST))

# The server's RSS while sessions open, train the biggest network at speed max and close
# (about 4 minutes; MINUTES=10 for longer). Figures: benchmarks/soak_results.md.
MINUTES ?= 3
soak: $(BIN)/.dev browser
	$(BIN)/python -m benchmarks.soak --minutes $(MINUTES)

# Live students per server core: N sessions over Streamlit's WebSocket protocol (a quiet machine).
bench-capacity: $(BIN)/.runtime
	$(BIN)/python -m benchmarks.loadgen --sessions 1,2,4,8,16 --seconds 20

clean:
	rm -rf $(VENV) .pytest_cache
