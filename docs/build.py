"""Build the course website, offline, from the committed notebooks (nothing is executed).

    python docs/build.py                  # -> _build/site/index.html   (= make site)
    python docs/build.py --out DIR        # elsewhere

It assembles the pages in _build/site-src (a copy of docs/ plus what it generates) and runs
Sphinx (myst-nb, sphinx-book-theme):
- the home page: the README's lesson table, its links turned into the lesson pages;
- one page per lesson, notebooks/NN_*.ipynb with their saved outputs (widgets as their saved
  pictures), a line of launch links (Binder, Colab: ``scripts/launch_links.py``, from
  pyproject.toml's Repository URL), the check cells folded away, the Colab install cell left out;
- the assignments' student versions, made with nbgrader's own preprocessors and the course's
  configuration (solutions replaced by the stub, hidden tests and outputs removed);
- the API reference from actlib's docstrings, every activation with its formula;
- the licence and how to cite.
Prints the build time and the number of pages.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT))
from scripts.launch_links import binder_url, colab_url, repository_url  # noqa: E402

BUILD = ROOT / "_build"
CHECK_TAG = "check"  # scripts/hide_checks.py tags the cells that assert the lessons' claims
COLAB_MARKER = "# Colab: install actlib"


def lessons(root: Path = ROOT) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def assignment_sources(root: Path = ROOT) -> list[Path]:
    return sorted((root / "assignments" / "source").glob("*/*.ipynb"))


def title_of(nb: dict) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            found = re.search(r"^#\s+(.+)$", "".join(cell["source"]), re.M)
            if found:
                return found.group(1).strip()
    raise SystemExit("docs/build.py: a notebook has no '# title' in a markdown cell")


def _tags(cell: dict) -> list[str]:
    return cell.setdefault("metadata", {}).setdefault("tags", [])


def lesson_page(nb: dict, name: str, url: str) -> dict:
    """The lesson as the site shows it: launch links after the title, check cells folded
    (myst-nb's hide-cell), the Colab install cell removed. Outputs untouched."""
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and source.startswith(COLAB_MARKER):
            _tags(cell).append("remove-cell")
        elif CHECK_TAG in cell.get("metadata", {}).get("tags", []):
            _tags(cell).append("hide-cell")
    links = {"cell_type": "markdown", "id": "launch-links", "metadata": {}, "source": [
        f"**Run this lesson:** [in JupyterLab on Binder]({binder_url(url, name)}) · "
        f"[in Google Colab]({colab_url(url, name)}) · or on your machine with `make lab`. "
        "Widgets are shown as their first picture here; run the lesson to move them."]}
    first = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown")
    nb["cells"].insert(first + 1, links)
    return nb


def student_version(path: Path, course: Path) -> dict:
    """The assignment as nbgrader's release gives it to students."""
    import nbformat
    from nbgrader.preprocessors import (
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
    )
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    nb, resources = nbformat.read(path, as_version=4), {}
    for step in (ClearSolutions, ClearHiddenTests, ClearMarkScheme, ClearOutput):
        nb, resources = step(config=config).preprocess(nb, resources)
    for cell in nb.cells:
        if cell.cell_type == "code" and "".join(cell.source).startswith(COLAB_MARKER):
            cell.metadata.setdefault("tags", []).append("remove-cell")
    return json.loads(nbformat.writes(nb))


def section(markdown: str, heading: str) -> str:
    """The text under ``heading`` (a whole heading line) up to the next heading of its level."""
    level = heading.split()[0]
    found = re.search(rf"^{re.escape(heading)}\s*$(.*?)(?=^{level} |\Z)", markdown, re.M | re.S)
    if not found:
        raise SystemExit(f"docs/build.py: README.md has no {heading!r} section")
    return found.group(1).strip()


def home_page(readme: str, template: str) -> str:
    table = "\n".join(line for line in section(readme, "## What the collection teaches")
                      .splitlines() if line.startswith("|"))
    return template.replace("{{ lesson_table }}", table)


#: Packages documented module by module: the package's docstring, then each public module with
#: its members. The package's ``__all__`` alone would show its functions, but not its modules'
#: docstrings nor the ``#:`` comments on their constants (autodoc reads those in the source of
#: the module documented).
BY_MODULE = ("widgets",)


def api_page(template: str) -> str:
    """Every activation (``act.ALL_NAMES``: the elementwise ones, softmax, the gated units and
    maxout) with its docstring's formula, then every public module of actlib but the three that
    define the activations (a package of ``BY_MODULE``: its docstring, then its modules)."""
    import pkgutil

    import actlib as act

    def public(path):
        return [m.name for m in pkgutil.iter_modules(path) if not m.name.startswith("_")]

    entries = "\n".join(f".. autofunction:: actlib.{name}\n" for name in act.ALL_NAMES)
    modules = []
    for name in public(act.__path__):
        if name in ("activation", "functions", "gated"):
            continue
        if name in BY_MODULE:
            modules.append(f".. automodule:: actlib.{name}\n   :no-members:\n")
            modules += [f".. automodule:: actlib.{name}.{sub}\n   :members:\n"
                        for sub in public([str(Path(act.__path__[0]) / name)])]
        else:
            modules.append(f".. automodule:: actlib.{name}\n   :members:\n")
    return (template.replace("{{ activations }}", entries)
            .replace("{{ modules }}", "\n".join(modules)))


def write_notebook(nb: dict, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def assemble(src: Path, root: Path = ROOT) -> None:
    """The Sphinx source folder: docs/ (templates filled in), the lessons, the assignments."""
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(root / "docs", src, ignore=shutil.ignore_patterns("build.py", "__pycache__"))
    url = repository_url(root / "pyproject.toml")
    readme = (root / "README.md").read_text(encoding="utf-8")
    index = src / "index.md"
    index.write_text(home_page(readme, index.read_text(encoding="utf-8")), encoding="utf-8")
    api = src / "api.md"
    api.write_text(api_page(api.read_text(encoding="utf-8")), encoding="utf-8")
    for path in lessons(root):
        nb = json.loads(path.read_text(encoding="utf-8"))
        write_notebook(lesson_page(nb, path.name, url), src / "notebooks" / path.name)
    course = root / "assignments"
    pages = []
    for path in assignment_sources(root):
        nb = student_version(path, course)
        write_notebook(nb, src / "assignments" / path.name)
        pages.append(f"- [{title_of(nb)}]({path.name})")
    page = src / "assignments" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ assignments }}",
                                                             "\n".join(pages)), encoding="utf-8")
    for name in ("LICENSE", "LICENSE-CONTENT", "CITATION.cff"):
        shutil.copy2(root / name, src / name)


def build(out: Path, src: Path | None = None, root: Path = ROOT, strict: bool = True) -> float:
    """Assemble and run Sphinx (warnings are errors unless not ``strict``: a figure without
    alt text is one); returns the seconds it took."""
    start = time.perf_counter()
    src = src or out.parent / "site-src"
    assemble(src, root)
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q",
                    *(["-W", "--keep-going"] if strict else []),
                    "-d", str(out.parent / "site-doctrees"), str(src), str(out)],
                   check=True, cwd=root, env=_env(root))
    return time.perf_counter() - start


def _env(root: Path) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def pages(out: Path) -> list[Path]:
    """The site's HTML pages (not Sphinx's search and index scaffolding)."""
    return sorted(p for p in out.rglob("*.html")
                  if p.name not in ("search.html", "genindex.html", "py-modindex.html")
                  and "_static" not in p.parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BUILD / "site",
                        help="where the HTML goes (default: _build/site)")
    parser.add_argument("--lenient", action="store_true",
                        help="report warnings (a figure without alt text) without failing")
    args = parser.parse_args(argv)
    seconds = build(args.out.resolve(), strict=not args.lenient)
    print(f"site: {len(pages(args.out))} pages in {args.out} ({seconds:.1f} s); "
          f"open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
