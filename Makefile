# The two commands of the README: `make lab` and `make test`.
# Both create .venv once and reinstall only when requirements.txt or pyproject.toml change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test notebooks assignments bench clean

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; \
	  sys.exit(0 if (3, 10) <= v <= (3, 13) else f"need Python 3.10 to 3.13, {sys.executable} is {v[0]}.{v[1]}")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# As root (a container), JupyterLab refuses to start without --allow-root.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Re-execute the committed notebooks in place (after editing one): prints time and peak memory.
notebooks: $(STAMP)
	$(BIN)/python scripts/run_notebooks.py

# The student versions of the graded assignments, into assignments/release/ (see the README).
assignments: $(STAMP)
	$(BIN)/python scripts/assignments.py release

# Benchmarks (not part of `make test`): writes benchmarks/results.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-output
