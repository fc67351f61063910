"""The course website: built offline from a fresh copy of the repository (docs/build.py, strict:
any Sphinx warning fails, a figure without alt text among them), then every page opened in
Debian's Chromium through Playwright, served from localhost, with every other request blocked
and counted, and checked with axe-core (the copy axe-playwright-python ships, pinned in
requirements.txt): no violation of impact "serious" or "critical", every image with alt text
that describes it. Also: every lesson page with all its figures (widgets as their saved
pictures), math rendered by the site's own MathJax, the check cells folded, launch links, the
licence footer on every page, the API reference with every activation and its formula, the
assignments' student versions, and search.

Build time and each page's results go to test-output/site/report.md. Skipped, saying so,
without Chromium or Sphinx; under .ci/run (ACTLIB_BROWSER_TEST=required) a missing browser is
a failure."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-output" / "site"
CHROMIUM = os.environ.get("ACTLIB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
REQUIRED = os.environ.get("ACTLIB_BROWSER_TEST") == "required"  # set by .ci/run: never skip
BLOCKING = ("serious", "critical")

pytest.importorskip("sphinx", reason="site test skipped: no Sphinx (requirements.txt has it)")
pytest.importorskip("myst_nb", reason="site test skipped: no myst-nb (requirements.txt has it)")


def fresh_copy(dest: Path) -> Path:
    """The repository's tracked files as they are now (what a fresh clone has, with the
    working tree's changes): the site must build from nothing else."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(folder of the built site, seconds the build took)."""
    repo = fresh_copy(tmp_path_factory.mktemp("repo"))
    out = repo / "_build" / "site"
    env = {**os.environ, "PYTHONPATH": str(repo), "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    built = subprocess.run([sys.executable, "docs/build.py", "--out", str(out)], cwd=repo,
                           env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    assert built.returncode == 0, f"the site does not build:\n{built.stdout}\n{built.stderr}"
    return out, seconds


def html_pages(out: Path) -> list[str]:
    sys.path.insert(0, str(ROOT / "docs"))
    from build import pages

    return [p.relative_to(out).as_posix() for p in pages(out)]


def test_every_lesson_assignment_and_reference_page_is_built(site):
    out, _ = site
    built = set(html_pages(out))
    lessons = {f"notebooks/{p.stem}.html" for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    tasks = {f"assignments/{p.stem}.html"
             for p in (ROOT / "assignments" / "source").glob("*/*.ipynb")}
    assert len(lessons) >= 8 and len(tasks) >= 5
    assert lessons | tasks | {"index.html", "api.html", "licence.html", "cite.html",
                              "assignments/index.html"} <= built
    assert (out / "search.html").exists() and (out / "searchindex.js").exists()
    assert (out / "_static" / "mathjax" / "tex-chtml.js").exists()  # served by the site


def test_home_page_is_the_lesson_table(site):
    out, _ = site
    home = (out / "index.html").read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f'href="notebooks/{path.stem}.html"' in home, path.name


class Images(HTMLParser):
    """(src, alt) of every <img> of a page, in order."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.found.append((dict(attrs).get("src", ""), dict(attrs).get("alt")))


def saved_figures(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


def test_lesson_pages_show_every_saved_figure_with_its_alt_text(site):
    out, _ = site
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        page = (out / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        nb = json.loads(path.read_text(encoding="utf-8"))
        alts = [o.get("metadata", {}).get("image/png", {}).get("alt") for c in nb["cells"]
                for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        images = Images()
        images.feed(page)
        figures = [alt for src, alt in images.found if src.startswith("../_images/")]
        assert len(figures) == saved_figures(path), path.name  # widgets included
        assert figures == alts, f"{path.name}: figures without their alt text (plots.show)"
        assert "VBox(children" not in page and "FigureBox(children" not in page, \
            f"{path.name}: a widget shows its repr, not its picture (re-execute the notebook)"
        assert "mybinder.org/v2/gh/" in page and "colab.research.google.com/github/" in page
        assert "# Colab: install actlib" not in page


def test_assignment_pages_are_the_student_versions(site):
    out, _ = site
    for path in sorted((ROOT / "assignments" / "source").glob("*/*.ipynb")):
        page = (out / "assignments" / f"{path.stem}.html").read_text(encoding="utf-8")
        assert "NotImplementedError" in page, path.name
        for secret in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS"):
            assert secret not in page, f"{path.name} shows {secret!r}"


def test_api_reference_lists_every_activation_with_its_formula(site):
    import actlib as act

    out, _ = site
    page = (out / "api.html").read_text(encoding="utf-8")
    for name in act.ALL_NAMES:
        found = re.search(rf'<dt class="sig[^"]*" id="actlib\.{name}">(.*?)</dd>', page, re.S)
        assert found, f"api.html has no entry for actlib.{name}"
        assert '<div class="math' in found.group(1), f"actlib.{name}: no formula"
    for module in ("plots", "widgets", "data", "deepnet", "layers", "training"):
        assert f'id="module-actlib.{module}"' in page, module


def test_api_reference_documents_every_widget_where_it_lives(site):
    """actlib.widgets is documented module by module (docs/build.py, BY_MODULE): every function
    and class of ``act.widgets.__all__`` under the module that defines it."""
    from actlib import widgets

    out, _ = site
    page = (out / "api.html").read_text(encoding="utf-8")
    for name in widgets.__all__:
        obj = getattr(widgets, name)
        if callable(obj):
            assert f'id="{obj.__module__}.{name}"' in page, f"api.html has no entry for {name}"


# --------------------------------------------------------------------------- in the browser

pytestmark_browser = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not REQUIRED,
    reason=f"site page checks skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    out, _ = site
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser_pages(site, server):
    """Every page opened and checked: {page: result}; requests that left localhost."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="site page checks skipped: no playwright")
    axe_js = Path(pytest.importorskip("axe_playwright_python",
                                      reason="no axe-playwright-python").__file__).parent
    axe_js = (axe_js / "axe.min.js").read_text(encoding="utf-8")
    out, build_seconds = site
    outside: list[str] = []
    results = {}
    start = time.perf_counter()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})

        def guard(route):
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        for name in html_pages(out):
            t0 = time.perf_counter()
            page.goto(f"{server}/{name}", wait_until="load")
            page.wait_for_function("() => !window.MathJax || !MathJax.startup || "
                                   "MathJax.startup.promise.then(() => true)", timeout=30000)
            page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.add_script_tag(content=axe_js)
            report = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            images = page.evaluate("() => Array.from(document.images, i => "
                                   "({src: i.getAttribute('src'), alt: i.getAttribute('alt')}))")
            results[name] = {
                "violations": [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
                                "help": v["help"],
                                "where": [n["target"] for n in v["nodes"][:3]]}
                               for v in report["violations"]],
                "images": images,
                "math": page.locator("mjx-container").count(),
                "hidden_cells": page.locator("details.hide").count(),
                "footer": page.locator(".bd-footer-content").inner_text(),
                "seconds": time.perf_counter() - t0,
            }
        query = page.goto(f"{server}/search.html?q=sigmoid", wait_until="load")
        assert query.ok
        page.wait_for_selector("#search-results li", timeout=30000)
        results["search.html?q=sigmoid"] = {"hits": page.locator("#search-results li").count()}
        browser.close()
    check_seconds = time.perf_counter() - start
    write_report(results, build_seconds, check_seconds, outside)
    return results, outside


def write_report(results: dict, build_seconds: float, check_seconds: float, outside) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [f"# The course website: {len(results) - 1} pages",
             f"build {build_seconds:.1f} s, page checks {check_seconds:.1f} s; "
             f"requests that left localhost: {len(outside)}", "",
             "| page | images | math | serious/critical | other axe findings | s |",
             "|---|---:|---:|---|---|---:|"]
    for name, r in results.items():
        if "violations" not in r:
            continue
        bad = [f"{v['id']} ({v['nodes']})" for v in r["violations"] if v["impact"] in BLOCKING]
        other = [f"{v['id']}: {v['impact']} ({v['nodes']})" for v in r["violations"]
                 if v["impact"] not in BLOCKING]
        lines.append(f"| {name} | {len(r['images'])} | {r['math']} | {', '.join(bad) or 'none'} "
                     f"| {', '.join(other) or 'none'} | {r['seconds']:.1f} |")
    (OUT / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytestmark_browser
def test_no_request_leaves_localhost(browser_pages):
    _, outside = browser_pages
    assert outside == [], f"pages requested {len(outside)} outside URLs: {outside[:5]}"


@pytestmark_browser
def test_axe_finds_no_serious_or_critical_violation(browser_pages):
    results, _ = browser_pages
    bad = {name: [v for v in r["violations"] if v["impact"] in BLOCKING]
           for name, r in results.items() if "violations" in r}
    bad = {name: found for name, found in bad.items() if found}
    assert not bad, "axe: " + json.dumps(bad, indent=1)[:4000]


@pytestmark_browser
def test_every_image_has_alt_text_that_describes_it(browser_pages):
    from actlib import plots

    results, _ = browser_pages
    for name, r in results.items():
        for image in r.get("images", []):
            plots.check_alt(image["alt"], where=f"{name}: <img src={image['src']!r}>")


@pytestmark_browser
def test_math_rendered_check_cells_folded_and_licence_on_every_page(browser_pages):
    results, _ = browser_pages
    pages = {n: r for n, r in results.items() if "violations" in r}
    for name, r in pages.items():
        assert "CC BY 4.0" in r["footer"] and "MIT" in r["footer"], name
    lessons = [n for n in pages if n.startswith("notebooks/")]
    for name in lessons:
        assert pages[name]["math"] > 0, f"{name}: no rendered math"
        assert pages[name]["hidden_cells"] > 0, f"{name}: the check cells are not folded"
    assert pages["api.html"]["math"] >= 14


@pytestmark_browser
def test_search_works_offline(browser_pages):
    results, _ = browser_pages
    assert results["search.html?q=sigmoid"]["hits"] >= 3
