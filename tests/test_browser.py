"""The lessons in a real browser: JupyterLab driven by Debian's Chromium through Playwright.

Widgets that render in a test harness can still fail in JupyterLab ("Error displaying widget:
model not found"), so this opens every notebooks/NN_*.ipynb (copies, in a temporary folder) in a
JupyterLab started for the test, runs all cells from the Run menu, and checks that
- every code cell ran, and no output is an error or stderr;
- every widget the notebook displays renders (no "Error displaying widget");
- moving the controls listed in MOVES changes the figure inside that widget.
A full-page screenshot per notebook goes to test-output/browser/. Needs Debian's chromium
(`apt-get install chromium`; or ACTLIB_CHROMIUM=/path/to/chrome), never a browser downloaded by
Playwright. Skipped, saying so, without it; under .ci/run (which installs it and sets
ACTLIB_BROWSER_TEST=required) a missing browser is a failure instead.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
OUT = ROOT / "test-output" / "browser"
CHROMIUM = os.environ.get("ACTLIB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
RUN_TIMEOUT = 300  # seconds for one notebook's Run All (they take up to a minute on 2 cores)

REQUIRED = os.environ.get("ACTLIB_BROWSER_TEST") == "required"  # set by .ci/run: never skip

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not REQUIRED,
    reason=f"browser test skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
sync_api = pytest.importorskip("playwright.sync_api", reason="browser test skipped: no playwright")


class Move(NamedTuple):
    """Set the control labelled ``label`` (in the ``nth`` widget that has one) to ``value``."""
    kind: str  # "dropdown", "slider" (types into its readout) or "text"
    label: str
    value: str
    nth: int = 0


#: Controls to move per notebook; each must change the figure in its widget. Extend freely.
MOVES = {
    "00_why_activations": [Move("dropdown", "activation", "elu"), Move("slider", "alpha", "2")],
    "01_sigmoid_vanishing_gradients": [Move("slider", "depth", "8"),
                                       Move("dropdown", "activation", "relu")],
    "02_relu": [Move("dropdown", "activation", "leaky_relu")],
    "03_initialisation": [Move("slider", "σ_b", "0.2"),
                          Move("dropdown", "initialisation", "he_normal")],
    "04_relu_variants": [Move("slider", "depth", "10")],
    "05_softmax": [Move("slider", "temperature", "0.2"), Move("text", "logits", "1, 2, 3")],
    "06_modern_activations": [Move("dropdown", "compare with", "relu")],
    "08_gates_and_hardware": [Move("dropdown", "gate", "relu (ReGLU)"),
                              Move("slider", "value a", "-2")],
    "09_normalisation_residuals_softmax": [Move("dropdown", "block", "layer norm"),
                                           Move("dropdown", "activation", "swiglu"),
                                           Move("slider", "depth", "20")],
}

ERROR_OUTPUTS = ('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
                 '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
WIDGET_OUTPUTS = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output"
WIDGET_ERRORS = ("Error displaying widget", "model not found")


def test_moves_cover_three_widgets():
    names = {p.stem for p in NOTEBOOKS}
    assert set(MOVES) <= names, f"MOVES names notebooks that do not exist: {set(MOVES) - names}"
    assert sum(len(m) for m in MOVES.values()) >= 3 and len(MOVES) >= 3


# --------------------------------------------------------------------------- fixtures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab(NamedTuple):
    url: str
    token: str
    folder: Path

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free port, serving copies of the notebooks; stopped by its own PID."""
    home = tmp_path_factory.mktemp("lab")
    folder = home / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS:
        shutil.copy(path, folder)
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no news or update toasts over the notebook
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the notebooks choose
    env.update({f"JUPYTER_{d}_DIR": str(home / d.lower()) for d in ("CONFIG", "DATA", "RUNTIME")})
    env.update(IPYTHONDIR=str(home / "ipython"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    port, token = free_port(), secrets.token_hex(16)
    shutil.rmtree(OUT, ignore_errors=True)  # this run's pictures only
    OUT.mkdir(parents=True)
    log = open(OUT / "jupyterlab.log", "w")  # closed in the teardown
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--ServerApp.token={token}", f"--ServerApp.root_dir={folder}",
               f"--LabApp.user_settings_dir={home / 'settings'}",
               f"--LabApp.workspaces_dir={home / 'workspaces'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root
    server = subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}", token, folder)
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited ({server.returncode}), see {log.name}")
            try:
                lab.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in 120 s, see {log.name}")
                time.sleep(0.5)
        yield lab
    finally:
        server.terminate()  # by its own PID; it shuts its kernels down
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def timings(request):
    """Seconds per notebook, printed at the end of the module (and saved next to the shots)."""
    times: dict[str, float] = {}
    start = time.perf_counter()
    yield times
    if not times:
        return
    total = time.perf_counter() - start
    lines = [f"browser test: {name} {s:.1f} s" for name, s in times.items()]
    lines.append(f"browser test: {len(times)} notebooks in {total:.1f} s "
                 f"(JupyterLab and Chromium start-up included); screenshots in {OUT}")
    (OUT / "timings.txt").write_text("\n".join(lines) + "\n")
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown even when output is captured
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line)


# --------------------------------------------------------------------------- page helpers


def expected_widgets(path: Path) -> int:
    """How many widgets the committed notebook displays (its widget-view outputs)."""
    cells = json.loads(path.read_text())["cells"]
    return sum("application/vnd.jupyter.widget-view+json" in out.get("data", {})
               for c in cells if c["cell_type"] == "code" for out in c["outputs"])


def code_cells(path: Path) -> int:
    """Code cells whose prompt JupyterLab shows: a check cell's input is collapsed
    (jupyter.source_hidden), and with it its prompt."""
    cells = json.loads(path.read_text())["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()
               and not c.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


def wait_until(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def notebook_text(page) -> str:
    # textContent, not innerText: cells outside the viewport are not rendered but are in the DOM
    return page.evaluate("() => document.querySelector('.jp-NotebookPanel').textContent")


def prompts(page) -> list[str]:
    return page.eval_on_selector_all(".jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt",
                                     "els => els.map(e => e.textContent)")


def running_kernels(lab: Lab) -> list | None:
    """The server's kernels, or None while it answers 5xx: jupyter_server can answer 500 while a
    kernel is starting or shutting down (the list changes under it). Callers poll with a
    deadline, so a server that never answers still fails the test."""
    try:
        return lab.api("kernels")
    except urllib.error.HTTPError as err:
        if err.code < 500:
            raise
        return None


def kernel_idle(page, lab: Lab) -> bool:
    """Idle in the notebook's toolbar and on the server (one kernel runs at a time)."""
    shown = page.locator(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator").first
    kernels = running_kernels(lab)
    return (kernels is not None and shown.count() > 0
            and shown.get_attribute("data-status") == "idle" and len(kernels) == 1
            and kernels[0]["execution_state"] == "idle")


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def error_outputs(page) -> list[str]:
    texts = page.eval_on_selector_all(ERROR_OUTPUTS, "els => els.map(e => e.textContent)")
    texts += [t for t in page.eval_on_selector_all(
        ".jp-OutputArea-output", "els => els.map(e => e.textContent)") if "Traceback" in t]
    return texts


def widget_roots(page):
    """The top-level outputs of code cells that hold a rendered widget."""
    return page.locator(WIDGET_OUTPUTS).filter(has=page.locator(".jupyter-widgets"))


def control(page, move: Move):
    classes = {"dropdown": ".widget-dropdown", "slider": ".widget-slider", "text": ".widget-text"}
    label = re.compile(f"^{re.escape(move.label)}$")
    matches = page.locator(classes[move.kind]).filter(
        has=page.locator("label.widget-label", has_text=label))
    assert matches.count() > move.nth, f"no {move.kind} labelled {move.label!r}"
    return matches.nth(move.nth)


def images(root) -> list[str]:
    return root.locator("img").evaluate_all("els => els.map(e => e.src)")


def apply(page, move: Move) -> None:
    ctl = control(page, move)
    ctl.scroll_into_view_if_needed()
    if move.kind == "dropdown":
        ctl.locator("select").select_option(move.value)
    elif move.kind == "slider":  # type into the readout, as a student can
        readout = ctl.locator(".widget-readout")
        readout.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(move.value)
        page.keyboard.press("Enter")
    elif move.kind == "text":
        box = ctl.locator("input")
        box.fill(move.value)
        box.press("Enter")
    else:
        raise ValueError(move.kind)


def screenshot(page, name: str) -> Path:
    """The whole notebook in one image: the window is made as tall as the notebook."""
    height = page.evaluate("""() => {
        const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
        outer.scrollTop = 0;
        return outer.scrollHeight;
    }""")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 160, 30000)})
    page.wait_for_timeout(1500)  # let the newly visible cells paint
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab(path, timings, lab, browser):
    start = time.perf_counter()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.set_default_timeout(60_000)
    try:
        # a workspace of its own, reset: no tabs or layout restored from the previous notebook
        page.goto(f"{lab.url}/lab/workspaces/{path.stem}/tree/{path.name}"
                  f"?reset&token={lab.token}")
        page.locator(".jp-NotebookPanel .jp-CodeCell").first.wait_for()
        wait_until(lambda: kernel_idle(page, lab), 120, "the kernel to start")
        side = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if side.count():
            side.first.click()  # fold the file browser: the notebook gets the width

        # Fresh outputs only: the committed ones (widget views with no widget state) go first.
        for attempt in range(3):
            menu(page, "Edit", "Clear Outputs of All Cells")
            try:
                wait_until(lambda: not any(re.search(r"\d", p) for p in prompts(page)), 10,
                           "cleared execution counts")
                break
            except AssertionError:
                if attempt == 2:
                    raise
        run_start = time.perf_counter()
        menu(page, "Run", "Run All Cells")
        n_code = code_cells(path)

        def finished():
            counts = prompts(page)
            idle = kernel_idle(page, lab)
            done = sum(bool(re.fullmatch(r"\[\d+\]:", p.strip())) for p in counts)
            if idle and error_outputs(page):
                return True  # Run All stops at an error: report it below
            return idle and "[*]:" not in counts and done >= n_code

        wait_until(finished, RUN_TIMEOUT, f"{path.name} to run all {n_code} code cells", 1)
        run_seconds = time.perf_counter() - run_start

        errors = error_outputs(page)
        assert not errors, f"{path.name}: error output(s):\n" + "\n---\n".join(errors)[:3000]
        n_widgets = expected_widgets(path)
        wait_until(lambda: widget_roots(page).count() >= n_widgets
                   or any(e in notebook_text(page) for e in WIDGET_ERRORS),
                   60, f"{n_widgets} widget(s) to render")
        text = notebook_text(page)
        for message in WIDGET_ERRORS:
            assert message not in text, f"{path.name}: {message!r} in the page"
        assert widget_roots(page).count() == n_widgets, "every displayed widget renders"
        for i in range(n_widgets):
            root = widget_roots(page).nth(i)
            wait_until(lambda root=root: images(root), 60, f"widget {i}'s figure")

        for move in MOVES.get(path.stem, []):
            root = widget_roots(page).filter(has=control(page, move)).first
            before = images(root)
            apply(page, move)
            wait_until(lambda root=root, before=before: images(root) and images(root) != before,
                       60, f"the figure to change after setting {move.label!r} to {move.value}")
            root.screenshot(path=str(OUT / f"{path.stem}--{move.label.replace(' ', '_')}.png"))
        assert not error_outputs(page), "a widget callback failed"
        assert not any(e in notebook_text(page) for e in WIDGET_ERRORS)

        screenshot(page, path.stem)
        timings[path.stem] = time.perf_counter() - start
        print(f"{path.name}: Run All {run_seconds:.1f} s, total {timings[path.stem]:.1f} s")
    except BaseException:
        page.screenshot(path=str(OUT / f"{path.stem}--failure.png"))
        server_log = (OUT / "jupyterlab.log").read_text(errors="replace").splitlines()
        print("JupyterLab's log, last 60 lines:", *server_log[-60:], sep="\n")  # shown on failure
        raise
    finally:
        (OUT / f"{path.stem}--console.log").write_text("\n".join(console) + "\n")
        page.close()
        for session in lab.api("sessions"):  # free the kernel's memory before the next one
            lab.api(f"sessions/{session['id']}", method="DELETE")
        # and wait until it is gone: the next notebook starts on a server with no kernel
        wait_until(lambda: running_kernels(lab) == [], 60, "the kernel to shut down")
