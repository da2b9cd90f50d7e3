# Worldsmith: `make demo` and `make test` work on a fresh Debian machine (Python 3.11, root, no GPU).
# Each installs what is missing (apt packages, a .venv, the package) and is quick when all is there.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMPS  := .stamps
# System packages: fonts for labelled plans and overlays; Mesa EGL (llvmpipe) for the gl renderer;
# LLVM 19 for Mitsuba's llvm variant (the pbr renderer). Later issues add to this.
APT_PACKAGES := fonts-dejavu-core libegl1 libegl-mesa0 libgl1-mesa-dri libopengl0 libgl1 libglx-mesa0 libllvm19
EXTRAS  := dev,render,usd,physics,vlm,learn,ray
DEMO_OUT ?= out/demo
DEMO_PROMPT ?= a cozy living room with a sofa facing the TV and a reading corner

.PHONY: demo test install apt clean bench contact-sheet help

help:
	@echo "make demo   - install what is missing, then generate a room from a sample prompt (DEMO_PROMPT=...)"
	@echo "make test   - install what is missing, then run the test suite"
	@echo "make bench  - benchmarks (tables on stdout, JSON and contact sheets in bench/results/)"
	@echo "make contact-sheet - bench/results/contact_sheet.png: one sample of every asset category"

$(STAMPS)/apt: Makefile
	@mkdir -p $(STAMPS)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  echo "installing system packages:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/venv: pyproject.toml Makefile | $(BIN)/python
	@mkdir -p $(STAMPS)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	@touch $@

install: $(STAMPS)/apt $(STAMPS)/venv

demo: install
	$(BIN)/worldsmith generate "$(DEMO_PROMPT)" --out $(DEMO_OUT) --seed 0
	@echo "demo output: $(abspath $(DEMO_OUT)) (open plan.png and renders/, load scene.glb in any glTF viewer; report.json explains it)"

# pytest exits 5 when it collected no tests: that fails here, never passes silently.
test: install
	@$(BIN)/python -m pytest -q -n 2; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

bench: install
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/layout.py
	$(BIN)/python bench/layout_scaling.py
	$(BIN)/python bench/exec_examples.py
	$(BIN)/python bench/assets.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/vlm_loop.py

contact-sheet: install
	$(BIN)/python bench/assets.py --sheet-only

clean:
	rm -rf out $(STAMPS) .pytest_cache
