"""Every widget has a static picture, and every figure has alt text.

A widget (``widgets.FigureBox``) displays as one output carrying the widget view, its figure as a
PNG with alt text in the output's metadata, and that alt text as text/plain: renderers without a
kernel (GitHub, nbviewer, JupyterLab on a notebook it did not run, the site) show the picture.
The committed notebooks are then read as such a renderer reads them: their JSON, and nbconvert's
HTML (no widget state is stored, so it falls back to the PNG)."""

import base64
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from actlib import plots, widgets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: What ipywidgets writes as text/plain ("VBox(children=(HBox(..."): never the only thing shown.
WIDGET_REPR = re.compile(r"^\s*(VBox|HBox|Box|GridBox|Output|Tab|Accordion|FigureBox|"
                         r"Dropdown|IntSlider|FloatSlider|Button|Label|interactive)\(")

WIDGETS = {
    "activation_explorer": lambda: widgets.activation_explorer("leaky_relu", compare="relu"),
    "gradient_flow": lambda: widgets.gradient_flow(),
    "signal_propagation": lambda: widgets.signal_propagation("relu", "he_normal"),
    "self_normalisation": lambda: widgets.self_normalisation(),
    "softmax_temperature": lambda: widgets.softmax_temperature([3.0, 0.7, 0.5]),
    "gate_explorer": lambda: widgets.gate_explorer("gelu", a=-1.5),
    "block_signal": lambda: widgets.block_signal("layer norm", "gelu", depth=20),
    "criticality": lambda: widgets.criticality(1.3042, 0.2, depth=30),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def displayed(obj):
    """The outputs IPython publishes for ``display(obj)``: [(data, metadata)], whichever way the
    installed ipywidgets displays a widget (8: _repr_mimebundle_, 7: _ipython_display_)."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    try:
        with capture_output() as captured:
            display(obj)
        return [(out.data, out.metadata) for out in captured.outputs]
    finally:
        InteractiveShell.clear_instance()


def pixels(png_b64: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(png_b64))))


@pytest.mark.parametrize("name", list(WIDGETS))
def test_widget_displays_view_picture_and_alt(name):
    box = WIDGETS[name]()
    assert isinstance(box, widgets.FigureBox)
    ((data, metadata),) = displayed(box)
    assert data[WIDGET_VIEW]["model_id"] == box.model_id  # the live widget is still there
    alt = metadata["image/png"]["alt"]
    assert plots.check_alt(alt) == alt and data["text/plain"] == alt
    assert not WIDGET_REPR.match(data["text/plain"])
    # the picture is what the widget shows now (render_png's pixels)
    shown = np.asarray(Image.open(io.BytesIO(widgets.render_png(box._redraw.fig))))
    assert np.array_equal(pixels(data["image/png"]), shown)


def test_widget_picture_and_alt_follow_the_controls():
    box = widgets.softmax_temperature([3.0, 0.7, 0.5])
    (before, _), = displayed(box)
    box._redraw.controls["temperature"].value = 10.0
    (after, metadata), = displayed(box)
    assert "T = 10" in metadata["image/png"]["alt"] and "T = 1:" in before["text/plain"]
    assert not np.array_equal(pixels(before["image/png"]), pixels(after["image/png"]))


def test_signal_propagation_alt_gives_the_factors():
    box = widgets.signal_propagation("sigmoid", "lecun_normal", depth=20)
    (_, metadata), = displayed(box)
    alt = metadata["image/png"]["alt"]
    assert "20-layer sigmoid network with lecun_normal weights" in alt
    assert len(re.findall(r"× [0-9.]+ per layer", alt)) == 3


def test_closed_widget_displays_no_view_and_no_picture():
    box = widgets.softmax_temperature()
    box.close()
    assert all(WIDGET_VIEW not in data and "image/png" not in data
               for data, _ in displayed(box))


class ImageAlts(HTMLParser):
    """The alt attribute of every <img> of a page, in order (None where it has none)."""

    def __init__(self):
        super().__init__()
        self.alts = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def picture_outputs(nb: dict):
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            yield index, cell, output


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_widget_outputs_carry_a_picture(path):
    """What GitHub and nbviewer read: every widget output has a PNG with alt text beside the
    widget view; no output shows only a widget's repr."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"], "no stored widget state"
    found = 0
    for index, _, output in picture_outputs(nb):
        data = output.get("data", {})
        text = "".join(data.get("text/plain", ""))
        if WIDGET_VIEW in data:
            found += 1
            assert "image/png" in data, f"{path.name} cell {index}: a widget output with no picture"
            alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
            assert plots.check_alt(alt, where=f"{path.name} cell {index}") == alt
            assert pixels(data["image/png"]).size > 0
        assert not WIDGET_REPR.match(text) or "image/png" in data, \
            f"{path.name} cell {index}: a widget's repr is the only thing a static renderer shows"
    source = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert found >= len(re.findall(r"^widgets\.\w+\(", source, re.MULTILINE)), \
        f"{path.name}: a widget cell has no saved output (re-execute the notebook)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_figures_have_alt_text(path):
    """Every image a notebook shows carries alt text saying what it shows (plots.show)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    missing = []
    for index, _, output in picture_outputs(nb):
        if "image/png" in output.get("data", {}):
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            try:
                plots.check_alt(alt, where=f"cell {index}")
            except (TypeError, ValueError) as error:
                missing.append(str(error))
    assert not missing, f"{path.name}: figures without alt text:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbconvert_html_shows_pictures_with_alt(path):
    """nbconvert (nbviewer's engine) renders each widget output as its PNG, with its alt text,
    and never the widget's repr."""
    import nbformat

    HTMLExporter = pytest.importorskip("nbconvert").HTMLExporter

    nb = nbformat.read(path, as_version=4)
    expected = [(o.get("metadata", {}).get("image/png", {}).get("alt"))
                for _, _, o in picture_outputs(nb) if "image/png" in o.get("data", {})]
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    images = ImageAlts()
    images.feed(html)
    assert images.alts == expected
    assert "VBox(children" not in html and "FigureBox(children" not in html
