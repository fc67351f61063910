# The README's commands. Every target is one call of tasks.py, the cross-platform entry point
# (Windows students run the same file: `py -3.12 tasks.py test`), so the two cannot drift.
# tasks.py creates .venv once and reinstalls only when requirements.txt or pyproject.toml change.
PYTHON ?= python3

.PHONY: lab test test-all claims notebooks assignments bench site clean

# lab: JupyterLab on notebooks/   test: ruff, unit tests, every notebook (nbval), 2 xdist workers
# test-all: test + the environment checks (wheel, platforms, Colab-like, lowest versions) + claims
# claims: every notebook under ACTLIB_SEED=0..4     notebooks: re-execute them in place
# assignments: the nbgrader student versions       bench: benchmarks/results.md
# site: the course website, built offline from the committed notebooks into _build/site
lab test test-all claims notebooks assignments bench site:
	$(PYTHON) tasks.py $@ $(ARGS)

clean:
	rm -rf .venv .pytest_cache .ruff_cache .hypothesis test-output _build
