# Two commands do everything on a fresh machine:
#   make demo   set up .venv (idempotent) and repair the bundled seed article
#   make test   set up .venv (idempotent) and run the test suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
SEED := corpora/seed/000_c47c7fd5e8793407

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: the CPU build (an unpinned torch pulls a multi-GB CUDA build)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)
	@mkdir -p build/demo
	@echo "== repaired article (stdout); edits and summary (stderr) =="
	$(BIN)/retrans fix $(SEED).txt --edits build/demo/edits.jsonl | tee build/demo/fixed.txt
	@echo
	@echo "== edit log: build/demo/edits.jsonl; score against the post-edited reference =="
	$(BIN)/retrans score --ref $(SEED).ref.txt $(SEED).txt build/demo/fixed.txt

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check retrans tests benchmarks corpora

bench: $(STAMP)
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf build
