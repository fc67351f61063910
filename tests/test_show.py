"""actlib.plots.show: a figure displayed as the inline backend's PNG, carrying alt text where
nbconvert and the site read it (the output's metadata for image/png), then closed."""

import base64

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from IPython.core.pylabtools import print_figure  # noqa: E402

from actlib import plots  # noqa: E402

ALT = "Line chart of y against x: y rises from 1 to 3."


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def shown(monkeypatch):
    """What plots.show passes to IPython's display, one (args, kwargs) per call."""
    calls = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: calls.append((a, k)))
    return calls


def simple_figure():
    fig, ax = plots.subplots()
    ax.plot([1, 2, 3])
    ax.set(title="a line", xlabel="x", ylabel="y")
    return fig


def test_show_displays_png_with_alt_metadata_and_closes(shown):
    fig = simple_figure()
    expected = print_figure(fig, fmt="png", bbox_inches="tight")  # what the inline backend shows
    plots.show(fig, alt=ALT)
    ((args, kwargs),) = shown
    data, metadata = args[0], kwargs["metadata"]
    assert kwargs["raw"] is True
    assert base64.b64decode(data["image/png"]) == expected
    assert metadata == {"image/png": {"alt": ALT}}
    assert data["text/plain"] == ALT
    assert not plt.fignum_exists(fig.number)  # closed: the inline backend won't show it again


def test_show_same_pixels_as_inline_backend_at_other_dpi(shown):
    fig = simple_figure()
    fig.set_dpi(72)
    expected = print_figure(fig, fmt="png", bbox_inches="tight")
    plots.show(fig, alt=ALT)
    assert base64.b64decode(shown[0][0][0]["image/png"]) == expected


def test_show_uses_the_shells_png_formatter(shown, monkeypatch):
    """In a kernel, the shell's formatter for Figure decides (retina gives width and height)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        from IPython.core.pylabtools import select_figure_formats

        select_figure_formats(shell, {"retina"}, bbox_inches="tight")
        fig = simple_figure()
        plots.show(fig, alt=ALT)
        metadata = shown[0][1]["metadata"]["image/png"]
        assert metadata["alt"] == ALT
        assert metadata["width"] > 0 and metadata["height"] > 0  # retina's own metadata kept
    finally:
        InteractiveShell.clear_instance()


@pytest.mark.parametrize("alt", ["figure", "Figure.", "  ", "", "plot", "image",
                                 "No description has been provided for this image",
                                 "d19e04a1.png", "a chart"])
def test_show_rejects_placeholder_alt(alt, shown):
    fig = simple_figure()
    with pytest.raises(ValueError, match=r"plots\.show: alt"):
        plots.show(fig, alt=alt)
    assert shown == []
    assert not plt.fignum_exists(fig.number)


def test_show_rejects_non_str_alt_and_non_figure(shown):
    with pytest.raises(TypeError, match=r"plots\.show: alt must be a str"):
        plots.show(simple_figure(), alt=None)
    _, ax = plt.subplots()
    with pytest.raises(TypeError, match=r"plots\.show: fig must be a matplotlib Figure"):
        plots.show(ax, alt=ALT)
    assert shown == []


def test_check_alt_normalises_whitespace():
    assert plots.check_alt("  Line chart\n of y  against x. ") == "Line chart of y against x."
    with pytest.raises(ValueError, match="widgets.x: alt"):
        plots.check_alt("graph", where="widgets.x")
