"""Interactive widgets (ipywidgets 7.7 or 8, inline matplotlib). Each one only wires controls
to a pure function (``actlib.plots``, ``actlib.deepnet``) that the tests call directly; every
value a control allows draws a sensible picture.

Redraws are fast (under 100 ms, ``make bench``): a widget passes its figure back to the figure
function (``fig=``), which replaces only the data (axes and ticks stay); the numbers of a deep
network are remembered per setting (``deepnet.cached_*``); the widget shows the PNG of
``render_png``, drawn once, instead of ``display(fig)``.

Read anywhere: every widget is a ``FigureBox``, whose output, saved with the notebook, carries
its figure as a PNG with alt text beside the widget view. A live JupyterLab, Binder or Colab
shows the widget; GitHub, nbviewer, JupyterLab on a notebook it did not run (untrusted outputs
skip the widget renderer) and the course website show the picture.

    act.widgets.activation_explorer("elu")
    act.widgets.gradient_flow()           # = signal_propagation("sigmoid")
    act.widgets.signal_propagation("relu", "he_normal")
    act.widgets.self_normalisation()
    act.widgets.softmax_temperature([3, 0.7, 0.5])
"""

from __future__ import annotations

import base64
import io
import struct
import weakref
import zlib
from collections.abc import Callable, Sequence

import ipywidgets as W
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from . import deepnet, plots
from .functions import ELEMENTWISE_NAMES, NAMES, get

__all__ = ["EXPLORER_NAMES", "PANELS", "SLIDERS", "FigureBox", "activation_explorer",
           "explorer_figure",
           "gradient_flow", "gradient_flow_figure", "propagation_figure", "render_png",
           "self_normalisation", "self_normalisation_figure", "self_normalisation_warm_up",
           "shrink_factor", "signal_propagation", "softmax_temperature", "temperature_figure",
           "block_figure", "block_signal", "block_signal_warm_up", "clear_caches"]

#: Slider (min, max, step) for every activation parameter the explorer shows.
SLIDERS = {
    ("leaky_relu", "alpha"): (0.0, 1.0, 0.01),
    ("prelu", "alpha"): (0.0, 1.0, 0.01),
    ("elu", "alpha"): (0.0, 3.0, 0.05),
    ("rrelu", "lower"): (0.0, 1.0, 0.01),
    ("rrelu", "upper"): (0.0, 1.0, 0.01),
}


_LABELS = {"description_width": "initial"}  # labels in full ("weight scale", not "weight sc...")


def render_png(fig) -> bytes:
    """The PNG a widget shows: the figure drawn at its own dpi, with the fixed margins widget
    figures are made with (``plots.subplots(fast=True)``), the pixels ``savefig`` would give.

    Faster than ``display(fig)``, with the same pixels: the inline backend's
    ``bbox_inches="tight"`` lays the figure out twice, and Pillow's PNG encoder spends longer
    choosing row filters and compressing than the drawing takes; here the rows go unfiltered
    into zlib level 1 (a larger file, 50 to 100 kB, for a picture that stays on this machine).
    """
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if type(fig.canvas) is FigureCanvasBase:  # closed by pyplot (as _show does): Agg again
        FigureCanvasAgg(fig)
    if not isinstance(fig.canvas, FigureCanvasAgg):  # another backend's canvas: its own PNG
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=fig.dpi)
        return buf.getvalue()
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    height, width, _ = rgba.shape
    for legend in [legend for legend in fig.legends if legend in _SNAPSHOT]:
        # drawn once; from now on its pixels, copied (until the figure is rebuilt)
        x0, y0, x1, y1 = np.round(legend.get_window_extent().extents).astype(int)
        x0, y0, x1, y1 = max(x0 - 1, 0), max(y0 - 1, 0), min(x1 + 1, width), min(y1 + 1, height)
        pixels = (x0, y0, rgba[height - y1:height - y0, x0:x1].copy())
        _LEGEND_PIXELS[_SNAPSHOT.pop(legend)] = pixels
        while len(_LEGEND_PIXELS) > 32:
            del _LEGEND_PIXELS[next(iter(_LEGEND_PIXELS))]
        _legend_image(fig, pixels)
        legend.set_visible(False)
    rows = np.zeros((height, 1 + 4 * width), np.uint8)  # each row: filter type 0, then RGBA
    rows[:, 1:] = rgba.reshape(height, -1)
    return b"".join([b"\x89PNG\r\n\x1a\n",
                     _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)),
                     _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)),
                     _png_chunk(b"IEND", b"")])


#: Figure legends outside the Axes that ``render_png`` draws once, then copies as pixels
#: (25 ms a redraw for seven entries: text is most of what a redraw draws), each with its key in
#: ``_LEGEND_PIXELS``: the same entries in a figure of the same size are the same pixels.
_SNAPSHOT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LEGEND_PIXELS: dict = {}
#: The settings a legend's pixels depend on (besides its entries and the figure's size).
_LEGEND_STYLE = ("axes.prop_cycle", "figure.facecolor", "font.family", "font.sans-serif",
                 "font.size", "legend.fontsize", "legend.labelcolor", "lines.linewidth",
                 "lines.markersize", "text.antialiased", "text.color", "text.hinting")


def _legend(fig, key, *args, **kwargs) -> None:
    """``fig.legend(*args, **kwargs)``, or its pixels if ``render_png`` has drawn it (``key``)."""
    if key in _LEGEND_PIXELS:
        _legend_image(fig, _LEGEND_PIXELS[key])
    else:
        _SNAPSHOT[fig.legend(*args, **kwargs)] = key


def _legend_image(fig, pixels) -> None:
    x0, y0, image = pixels
    fig.figimage(image, xo=x0, yo=y0, origin="upper")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _show(fig) -> None:
    from IPython.display import Image, display

    display(Image(data=render_png(fig), format="png"))
    plt.close(fig)  # out of pyplot, or the inline backend shows it again, outside the widget


def _reuse(fig, nrows: int = 1, ncols: int = 1, **size):
    """``fig`` with the data artists of its axes removed (its axes, ticks and their text kept:
    redrawing them is most of a figure's cost), or a new fast figure if ``fig`` is None."""
    if fig is None:
        return plots.subplots(ncols, nrows, fast=True, **size)[0]
    for artist in [*fig.legends, *fig.images]:  # figure legends, and their pixels
        artist.remove()
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
            artist.remove()
        ax.containers.clear()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        _new_limits(ax)
        ax.set_prop_cycle(None)  # colours from the start of the cycle, as in a new figure
    return fig


def _fixed_titles(fig):
    """Titles at y = 1, where matplotlib puts them anyway when nothing is above the Axes (same
    pixels); a title it need not place is one tick-label layout fewer per redraw."""
    for ax in fig.axes:
        ax.set_title(ax.get_title(), y=1.0)
    return fig


def _new_limits(ax) -> None:
    """Data limits from the artists ``ax`` has now, view limits of a new Axes (kept if nothing
    has finite data), as when those artists are drawn on a new Axes."""
    ax.relim()
    y0, y1 = (1.0, 10.0) if ax.get_yscale() == "log" else (0.0, 1.0)
    ax.viewLim.set_points(np.array([[0.0, y0], [1.0, y1]]))


def _set_lines(fig, panels: Sequence[dict]) -> bool:
    """If each Axes of ``fig`` shows exactly the lines (labels, in order) of its ``panels`` entry
    ({label: one value per layer}), give them the new values and return True (everything else
    stays: legend, titles, colours); else change nothing and return False."""
    if fig is None or len(fig.axes) != len(panels) or any(
            [line.get_label() for line in ax.lines] != list(values)
            for ax, values in zip(fig.axes, panels, strict=True)):
        return False
    for ax, values in zip(fig.axes, panels, strict=True):
        for line, v in zip(ax.lines, values.values(), strict=True):
            v = np.asarray(v, float)
            line.set_data(np.arange(1, len(v) + 1), v)
        _new_limits(ax)
        ax.autoscale_view()
    return True


class _Redraw:
    """Calls ``draw(**values, fig=fig)`` into an Output whenever a control changes; ``fig`` is
    the figure of the previous call (None at first), which ``draw`` may redraw and return."""

    def __init__(self, controls: dict[str, W.ValueWidget], draw: Callable,
                 then: Callable | None = None):
        self.controls, self.draw, self.then = controls, draw, then
        self.out = W.Output()
        self.fig = None
        for c in controls.values():
            c.observe(self, names="value")

    def values(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def __call__(self, change=None):
        with self.out:
            self.out.clear_output(wait=True)
            self.fig = self.draw(**self.values(), fig=self.fig)
            _show(self.fig)
        if self.then is not None:  # after the picture is on its way: what the next may need
            self.then(**self.values())


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def picture_png(fig) -> bytes:
    """The PNG a saved notebook keeps for a widget's figure: the pixels the widget shows
    (``render_png``: the figure at its own dpi, its fixed margins), encoded as matplotlib's
    ``savefig`` does. A figure drawn since its last change (not ``stale``) is encoded from its
    canvas, not drawn again (20 ms instead of 100)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    buf = io.BytesIO()
    if isinstance(fig.canvas, FigureCanvasAgg) and not fig.stale and \
            getattr(fig.canvas, "renderer", None) is not None:
        Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(buf, format="png")
    else:
        fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


class FigureBox(W.VBox):
    """A widget's VBox whose display also carries a static picture: its output bundle has the
    widget view, ``image/png`` (the figure shown now, ``picture_png``) with its alt text in the
    output's metadata (``metadata["image/png"]["alt"]``, as ``plots.show`` writes it) and that
    alt text as ``text/plain`` (where ipywidgets puts ``VBox(children=...``).

    Frontends that render the widget (JupyterLab with the notebook's outputs trusted, that is
    after running it; Binder; Colab; VS Code) pick the widget view and show the picture nowhere
    else; those that cannot (GitHub, nbviewer and nbconvert without stored widget state,
    JupyterLab on a notebook it did not run, the course website, text-only readers) pick the PNG
    or the text. ``alt`` is called at display time: it describes what the figure shows now.
    Works with ipywidgets 8 (``_repr_mimebundle_``) and 7 (``_ipython_display_``).

    A new widget ends like the ones here::

        redraw = _Redraw(controls, my_figure)
        redraw()
        return FigureBox([*control_rows, redraw.out], redraw=redraw, name="my_widget",
                         alt=lambda: f"Line chart of ... for {controls['x'].value}: ...")
    """

    def __init__(self, children=(), *, redraw: _Redraw, alt: Callable[[], str], name: str,
                 **kwargs):
        super().__init__(children, **kwargs)
        self._redraw, self._alt, self._name = redraw, alt, name

    def picture(self) -> tuple[dict, dict]:
        """(data, metadata) of the static picture: PNG and alt text of the current figure."""
        alt = plots.check_alt(self._alt(), where=f"widgets.{self._name}")
        png = base64.b64encode(picture_png(self._redraw.fig)).decode("ascii")
        return {"image/png": png, "text/plain": alt}, {"image/png": {"alt": alt}}

    def _bundle(self, data: dict) -> tuple[dict, dict]:
        picture, metadata = self.picture()
        return {**data, **picture}, metadata

    if hasattr(W.Widget, "_repr_mimebundle_"):  # ipywidgets 8
        def _repr_mimebundle_(self, **kwargs):
            return self._bundle(super()._repr_mimebundle_(**kwargs))
    else:  # ipywidgets 7: displays itself (a closed widget has _ipython_display_ = None)
        def _ipython_display_(self, **kwargs):
            from IPython.display import display

            view = {} if self._view_name is None else {WIDGET_VIEW: {
                "version_major": 2, "version_minor": 0, "model_id": self._model_id}}
            data, metadata = self._bundle(view)
            display(data, metadata=metadata, raw=True)
            if self._view_name is not None:
                self._handle_displayed(**kwargs)


def _factors(fig) -> list[str]:
    """The per-layer factors in a propagation figure's x labels ("× 0.5 per layer")."""
    return [ax.get_xlabel().split("(", 1)[-1].rstrip(")").strip() for ax in fig.axes]


# --------------------------------------------------------------------------- activation explorer

#: What the explorer offers: the lessons' activations, then the newer elementwise ones (relu6,
#: hard_sigmoid, hard_silu, squared_relu: lesson 08). The gated units map a vector to a shorter
#: one, so they have no curve f(x) to draw here (lesson 08's gate explorer shows them).
EXPLORER_NAMES = (*NAMES, *(n for n in ELEMENTWISE_NAMES if n not in NAMES))


def explorer_figure(name: str = "relu", compare: str | None = None, fig=None, **params):
    """f and f' of ``name`` with ``params`` (and of ``compare``, with defaults), in one figure
    (``fig``, from an earlier call, redrawn if given)."""
    if name == "rrelu" and params.get("lower", 0) > params.get("upper", 1):
        params["upper"] = params["lower"]  # a slider pair can cross; the picture should not break
    fig = _reuse(fig, width=6.5, height=3.8)
    ax = fig.axes[0]
    plots.plot_activation(name, ax=ax, **params)
    if compare and compare != "(none)":
        own, theirs = plots.color_for(name), plots.color_for(compare)
        plots.plot_activation(compare, ax=ax, color=theirs if theirs != own else "0.25")
        ax.set_title(f"{name} vs {compare}: f (solid) and f' (dashed)")
    ax.set_ylim(-2.2, 5.2)
    return _fixed_titles(fig)


def activation_explorer(name: str = "relu", compare: str | None = None) -> W.Widget:
    """Choose any activation, move its parameters, see f and f' (and optionally a second one)."""
    choice = W.Dropdown(options=EXPLORER_NAMES, value=get(name).name,
                        description="activation", style=_LABELS)
    other = W.Dropdown(options=("(none)", *EXPLORER_NAMES), value=compare or "(none)",
                       description="compare with", style=_LABELS)
    sliders = {(n, p): W.FloatSlider(value=get(n).defaults[p], min=lo, max=hi, step=step,
                                     description=p, style=_LABELS, continuous_update=False)
               for (n, p), (lo, hi, step) in SLIDERS.items()}
    approximate = W.Checkbox(value=False, description="tanh approximation", style=_LABELS)

    def alt() -> str:
        fig = redraw.fig
        ax = fig.axes[0]
        shown = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
        compared = (f", compared with {other.value} (in its own colour)"
                    if other.value not in (None, "(none)") else "")
        return (f"Line chart titled \"{ax.get_title()}\": {choice.value}{compared}, each with "
                f"its derivative, f solid and f' dashed, on x from -5 to 5 (lines: "
                f"{', '.join(shown)}). The live explorer lets you choose any activation and "
                f"move its parameters.")

    def draw(activation, compare_with, fig=None, **_):
        params = {p: sliders[(activation, p)].value for (n, p) in SLIDERS if n == activation}
        if activation == "gelu":
            params["approximate"] = approximate.value
        return explorer_figure(activation, compare_with, fig=fig, **params)

    controls = {"activation": choice, "compare_with": other, "approximate": approximate}
    controls.update({f"{n}.{p}": s for (n, p), s in sliders.items()})
    redraw = _Redraw(controls, draw)
    box = FigureBox(redraw=redraw, alt=alt, name="activation_explorer")

    def layout(change=None):
        own = [s for (n, _), s in sliders.items() if n == choice.value]
        extra = [approximate] if choice.value == "gelu" else []
        box.children = [W.HBox([choice, other]), *own, *extra, redraw.out]

    choice.observe(layout, names="value")
    layout()
    redraw()
    return box


# --------------------------------------------------------------------------- signal propagation

GRADIENT_FLOW_MAX_DEPTH = 50
PROPAGATION_MAX_DEPTH = GRADIENT_FLOW_MAX_DEPTH

#: The three panels of the propagation figure: (field of ``deepnet.Propagation``, title).
PANELS = (("forward_std", "forward: std of $h_l$"),
          ("backward_std", r"backward: std of $\partial\ell/\partial z_l$"),
          ("weight_grad_norm", r"$\|\partial L/\partial W_l\|$ / top layer's"))


def _decades(values: Sequence[np.ndarray]) -> tuple[float, float]:
    """Log-axis limits: whole decades around every finite positive value, at least 1e-3..10,
    at most 1e-30..1e30 (so a vanished or exploded signal shows as a line at the edge)."""
    v = np.concatenate([np.asarray(a, float).ravel() for a in values])
    v = v[np.isfinite(v) & (v > 0)]
    lo = np.floor(np.log10(v.min())) if v.size else -3.0
    hi = np.ceil(np.log10(v.max())) if v.size else 1.0
    return 10.0 ** max(min(lo, -3.0), -30.0), 10.0 ** min(max(hi, 1.0), 30.0)


def propagation_figure(activation: str = "relu", init: str = "lecun_normal", depth: int = 20,
                       weight_scale: float = 1.0, width: int = 64, seed: int = 0, fig=None):
    """The three measurements of ``deepnet.propagation`` per layer, side by side on one log
    scale: the forward signal (std of h_l, 1 at the input), the backward error (std of the
    per-example dl/dz_l, about 1 at the top) and the weight gradient's norm relative to the top
    layer's. Each title gives the factor per layer (``shrink_factor``). Values that underflow
    to 0 or overflow are drawn at the axis' edge (1e-30 or 1e30). ``fig``, from an earlier call,
    is redrawn if given."""
    result = deepnet.cached_propagation(activation, depth, width, init, n=128, seed=seed,
                                        weight_scale=weight_scale)
    top = result.weight_grad_norm[-1]
    with np.errstate(all="ignore"):
        relative = result.weight_grad_norm / top if np.isfinite(top) and top > 0 else \
            np.full(depth, np.nan)
    series = {"forward_std": result.forward_std, "backward_std": result.backward_std,
              "weight_grad_norm": relative}
    lo, hi = _decades(series.values())
    label = f"{activation}, {init}, scale {weight_scale:g}"
    panels = [{label: np.clip(np.nan_to_num(series[key], nan=lo, posinf=hi), lo, hi)}
              for key, _ in PANELS]
    if not _set_lines(fig, panels):
        if fig is None:
            fig, _ = plt.subplots(1, 3, figsize=(10.8, 3.7), sharey=True)
            fig.subplots_adjust(left=0.075, right=0.985, bottom=0.15, top=0.8, wspace=0.1)
        fig = _reuse(fig)
        for ax, (_, title), shown in zip(fig.axes, PANELS, panels, strict=True):
            plots.plot_layer_values(shown, ax=ax, title=title, ylabel="", legend=False)
            ax.set_title(title, fontsize="medium")
        fig.axes[0].set_ylabel("relative to 1 (log scale)")
        # whole decades only, at most 7, labelled in plain text (log axes' minor ticks and
        # math-text labels were most of a redraw); text is most of the rest, so at most 6 layer
        # numbers per panel, and y tick marks only where their labels are (one shared scale)
        from matplotlib.ticker import MaxNLocator

        plots.decade_ticks(fig.axes[0], "y", numticks=7)
        for ax in fig.axes:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        for ax in fig.axes[1:]:
            ax.tick_params(axis="y", left=False)
    for ax, (key, _) in zip(fig.axes, PANELS, strict=True):
        ax.set_ylim(lo, hi)
        # per layer going up for the forward signal, going back for the two gradients
        values = series[key][::-1] if key == "forward_std" else series[key]
        factor = shrink_factor(values)
        ax.set_xlabel(f"layer  (× {factor:.3g} per layer)" if np.isfinite(factor)
                      else "layer  (reaches 0 or overflows)")
    if fig._suptitle is None:
        fig.suptitle(label, fontsize="medium", y=0.985, va="top")
    else:
        fig._suptitle.set_text(label)
    return _fixed_titles(fig)


def shrink_factor(norms: Sequence[float]) -> float:
    """Geometric mean of norm[l] / norm[l + 1]: how much a quantity shrinks (< 1) or grows
    (> 1) per layer from the last layer to the first. NaN if a value is 0 or not finite."""
    norms = np.asarray(norms, float)
    if len(norms) < 2 or not np.all(np.isfinite(norms) & (norms > 0)):
        return float("nan")
    return float(np.exp(np.mean(np.diff(np.log(norms[::-1])))))


def signal_propagation(activation: str = "relu", init: str = "lecun_normal",
                       depth: int = 20, weight_scale: float = 1.0) -> W.Widget:
    """Activation x initialisation x depth (x weight scale) -> forward std, backward std and
    weight-gradient norm per layer of a random deep net (``propagation_figure``)."""
    controls = {
        "activation": W.Dropdown(options=[n for n in NAMES if n != "softmax"], value=activation,
                                 description="activation", style=_LABELS),
        "init": W.Dropdown(options=deepnet.INITIALIZERS, value=init,
                           description="initialisation", style=_LABELS),
        "depth": W.IntSlider(value=depth, min=2, max=PROPAGATION_MAX_DEPTH,
                             description="depth", style=_LABELS, continuous_update=False),
        "weight_scale": W.FloatLogSlider(value=weight_scale, base=10, min=-1, max=1, step=0.05,
                                         description="weight scale", style=_LABELS,
                                         continuous_update=False),
    }
    redraw = _Redraw(controls, propagation_figure)
    redraw()

    def alt() -> str:
        v = redraw.values()
        forward, backward, weights = _factors(redraw.fig)
        return (f"Three line charts per layer on one log scale, for a {v['depth']}-layer "
                f"{v['activation']} network with {v['init']} weights (weight scale "
                f"{v['weight_scale']:g}): the forward signal's standard deviation "
                f"({forward}), the backward error's ({backward}) and the weight-gradient "
                f"norm relative to the top layer's ({weights}). A factor far from 1 means "
                f"the signal vanishes or explodes with depth.")

    return FigureBox([W.HBox([controls["activation"], controls["init"]]),
                      W.HBox([controls["depth"], controls["weight_scale"]]), redraw.out],
                     redraw=redraw, alt=alt, name="signal_propagation")


def gradient_flow_figure(activation: str = "sigmoid", depth: int = 20, weight_scale: float = 1.0,
                         width: int = 64, seed: int = 0, fig=None):
    """``propagation_figure`` with LeCun weights (lesson 01's network)."""
    return propagation_figure(activation, "lecun_normal", depth, weight_scale, width, seed, fig)


def gradient_flow(activation: str = "sigmoid") -> W.Widget:
    """Lesson 01's widget: ``signal_propagation`` starting from a sigmoid net with LeCun
    weights."""
    return signal_propagation(activation, "lecun_normal")


# --------------------------------------------------------------------------- self-normalisation

SELF_NORM_SETUPS = {
    "SELU, lecun_normal": ("selu", "lecun_normal"),
    "SELU, glorot_uniform": ("selu", "glorot_uniform"),
    "SELU, he_normal": ("selu", "he_normal"),
    "SELU, random_normal(0.05)": ("selu", "random_normal"),
    "ReLU, he_normal": ("relu", "he_normal"),
    "ReLU, glorot_uniform": ("relu", "glorot_uniform"),
    "tanh, glorot_uniform": ("tanh", "glorot_uniform"),
}


#: Figure height (inches) of the self-normalisation widget: two panels and two legend rows.
SELF_NORM_HEIGHT = 4.05


def self_normalisation_figure(setups: Sequence[str] = ("SELU, lecun_normal",
                                                      "SELU, glorot_uniform",
                                                      "ReLU, he_normal"),
                              depth: int = 50, width: int = 64, seed: int = 0, fig=None):
    """Mean and standard deviation of the activations after each layer, for each setup
    (256 examples: 16,384 values per layer, enough for two decimals); the networks are
    remembered (``deepnet.cached_activation_stats``) and ``fig``, from an earlier call, is
    redrawn if given."""
    if fig is not None and not setups:  # no data: the limits of a new figure
        plt.close(fig)
        fig = None
    means, stds = {}, {}
    for label in setups:
        name, init = SELF_NORM_SETUPS[label]
        means[label], stds[label] = deepnet.cached_activation_stats(name, depth, width, init,
                                                                    n=256, seed=seed)
    if _set_lines(fig, [means, stds]):  # the same setups: new values, same lines and legend
        return fig
    fig = _reuse(fig, ncols=2, width=4.6, height=SELF_NORM_HEIGHT)
    if fig.subplotpars.bottom < 0.2:  # a new figure: room below the panels for the legend
        fig.subplots_adjust(bottom=1.0 / SELF_NORM_HEIGHT)
    ax_mean, ax_std = fig.axes
    plots.plot_layer_values(means, ax=ax_mean, ylabel="mean of activations", log=False,
                            title="mean per layer (SELU's target: 0)", legend=False)
    plots.plot_layer_values(stds, ax=ax_std, ylabel="std of activations", log=True,
                            title="standard deviation per layer (target: 1)", legend=False)
    if setups:  # one legend for both panels, below them: it never hides a line
        key = ("self_normalisation", tuple(setups), tuple(fig.get_size_inches()), fig.dpi,
               *(str(matplotlib.rcParams[k]) for k in _LEGEND_STYLE))
        _legend(fig, key, *ax_mean.get_legend_handles_labels(), loc="lower center", ncol=4,
                fontsize="small", frameon=False)
    return _fixed_titles(fig)


def self_normalisation() -> W.Widget:
    """Pick setups and depth: mean and std of activations through a deep random network."""
    controls = {
        "setups": W.SelectMultiple(options=list(SELF_NORM_SETUPS),
                                   value=("SELU, lecun_normal", "SELU, random_normal(0.05)",
                                          "ReLU, he_normal"),
                                   description="setups", style=_LABELS, rows=len(SELF_NORM_SETUPS)),
        "depth": W.IntSlider(value=50, min=1, max=100, description="depth", style=_LABELS,
                             continuous_update=False),
    }
    redraw = _Redraw(controls, self_normalisation_figure, then=self_normalisation_warm_up)
    redraw()

    def alt() -> str:
        v = redraw.values()
        ax_mean, ax_std = redraw.fig.axes
        last = "; ".join(f"{line.get_label()}: mean {m.get_ydata()[-1]:.2f}, "
                         f"std {line.get_ydata()[-1]:.2f}"
                         for m, line in zip(ax_mean.lines, ax_std.lines, strict=True))
        return (f"Two line charts per layer of a {v['depth']}-layer random network, one line "
                f"per setup: the mean of the activations (SELU's target 0) and their standard "
                f"deviation on a log scale (target 1). After the last layer: "
                f"{last or 'no setup chosen'}.")

    return FigureBox([W.HBox([controls["setups"], controls["depth"]]), redraw.out],
                     redraw=redraw, alt=alt, name="self_normalisation")


def self_normalisation_warm_up(setups=(), depth: int = 50, width: int = 64, seed: int = 0):
    """Compute (and remember) every setup at ``depth``, shown or not: the widget calls it after
    each picture, so ticking another setup finds its numbers ready (a new depth costs only the
    layers not computed before: about 0.3 ms a layer and setup)."""
    for name, init in SELF_NORM_SETUPS.values():
        deepnet.cached_activation_stats(name, depth, width, init, n=256, seed=seed)


# --------------------------------------------------------------------------- softmax temperature

TEMPERATURE_MIN = 0.05


def temperature_figure(logits: Sequence[float] = (3.0, 0.7, 0.5), temperature: float = 1.0,
                       fig=None):
    """Bars of softmax(logits / T); ``fig``, from an earlier call, is redrawn if given and it
    has as many classes (a category axis keeps every class it has seen)."""
    if fig is not None and len(fig.axes[0].patches) != len(logits):
        plt.close(fig)
        fig = None
    fig = _reuse(fig, width=5.5, height=3.4)
    plots.plot_softmax(logits, max(temperature, TEMPERATURE_MIN), ax=fig.axes[0])
    return _fixed_titles(fig)


def softmax_temperature(logits: Sequence[float] = (3.0, 0.7, 0.5)) -> W.Widget:
    """Edit the logits (comma-separated) and the temperature; see the probabilities."""
    text = W.Text(value=", ".join(f"{v:g}" for v in logits), description="logits", style=_LABELS)
    temp = W.FloatLogSlider(value=1.0, base=10, min=np.log10(TEMPERATURE_MIN), max=1.3,
                            step=0.02, description="temperature", style=_LABELS,
                            continuous_update=False)
    message = W.Label()

    def draw(logits_text, temperature, fig=None):
        try:
            values = [float(v) for v in logits_text.replace(";", ",").split(",") if v.strip()]
            if not values or not np.all(np.isfinite(values)):
                raise ValueError
            message.value = ""
        except ValueError:
            values = list(logits)
            message.value = "Type finite numbers separated by commas; showing the defaults."
        return temperature_figure(values, temperature, fig=fig)

    redraw = _Redraw({"logits_text": text, "temperature": temp}, draw)
    redraw()

    def alt() -> str:
        ax = redraw.fig.axes[0]
        bars = ", ".join(f"class {i} {patch.get_height():.3f}"
                         for i, patch in enumerate(ax.patches))
        return (f"Bar chart of the probabilities softmax(z / T) for the logits "
                f"{text.value} at temperature T = {temp.value:.3g}: {bars}. A higher "
                f"temperature flattens the bars, a lower one sharpens them toward the largest "
                f"logit.")

    return FigureBox([text, temp, message, redraw.out], redraw=redraw, alt=alt,
                     name="softmax_temperature")


# --------------------------------------------------------------------------- gate explorer

#: The gates phi a gated linear unit a * phi(b) can use: GLU, ReGLU, GEGLU, SwiGLU.
GATES = {"sigmoid": "GLU", "relu": "ReGLU", "gelu": "GEGLU", "silu": "SwiGLU"}
GATE_A_MAX = 3.0
_GATE_B = np.linspace(-4, 4, 401)


def gate_figure(gate: str = "silu", a: float = 1.0, fig=None):
    """A gated unit y = a * phi(b) along b, for the value a, and its two partial derivatives
    dy/da = phi(b) and dy/db = a phi'(b); ``fig``, from an earlier call, is redrawn if given."""
    if gate not in GATES:
        raise ValueError(f"gate_figure: gate must be one of {tuple(GATES)}, got {gate!r}")
    phi = get(gate)
    b = _GATE_B
    fig = _reuse(fig, 1, 2, width=4.0, height=3.2)
    ax_y, ax_d = fig.axes
    color = plots.color_for(gate)
    ax_y.plot(b, a * phi(b), lw=2.5, color=color, label=f"y = a {gate}(b), a = {a:g}")
    ax_y.plot(b, phi(b), lw=1, ls="--", color="0.5", label=f"a = 1: {gate}(b)")
    ax_y.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax_y.set(title=f"{GATES[gate]}: y = a · {gate}(b)", xlabel="b (gate input)", ylabel="y")
    ax_y.legend(loc="upper left", fontsize="small")
    ax_d.plot(b, phi(b), lw=2, color=color, label="∂y/∂a = φ(b)")
    ax_d.plot(b, a * phi.derivative(b), lw=2, ls="--", color="k", label="∂y/∂b = a φ'(b)")
    ax_d.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax_d.set(title="its two partial derivatives", xlabel="b (gate input)")
    ax_d.legend(loc="upper left", fontsize="small")
    return _fixed_titles(fig)


def gate_explorer(gate: str = "silu", a: float = 1.0) -> W.Widget:
    """Choose the gate phi and the value a; see y = a * phi(b) and its two partials along b."""
    choice = W.Dropdown(options=[(f"{name} ({unit})", name) for name, unit in GATES.items()],
                        value=gate, description="gate", style=_LABELS)
    value = W.FloatSlider(value=a, min=-GATE_A_MAX, max=GATE_A_MAX, step=0.25,
                          description="value a", style=_LABELS, continuous_update=False)
    redraw = _Redraw({"gate": choice, "a": value}, gate_figure)
    redraw()

    def alt() -> str:
        return (f"Two line charts of the gated unit {GATES[choice.value]}, y = a · "
                f"{choice.value}(b), against the gate input b from -4 to 4, with the value a = "
                f"{value.value:g}. Left: y, beside {choice.value}(b) itself (a = 1, dashed); "
                f"right: its partials ∂y/∂a = {choice.value}(b) and ∂y/∂b = a · "
                f"{choice.value}'(b). y is linear in a and bent only along b: scaling a scales "
                f"the curve and its b-slope.")

    return FigureBox([W.HBox([choice, value]), redraw.out], redraw=redraw, alt=alt,
                     name="gate_explorer")


__all__ += ["GATES", "gate_explorer", "gate_figure"]
# --------------------------------------------------------------------------- blocks (lesson 09)

#: The blocks of ``block_figure``: label -> ``blocks.BLOCKS`` name.
BLOCK_CHOICES = {"plain": "plain", "layer norm": "layernorm", "RMS norm": "rmsnorm",
                 "pre-norm residual": "residual"}
#: The activations the blocks widget offers: elementwise ones and the gated SwiGLU and GEGLU.
BLOCK_ACTIVATIONS = ("relu", "tanh", "gelu", "silu", "elu", "selu", "sigmoid", "swiglu", "geglu")
BLOCKS_MAX_DEPTH = 50
#: The three panels of ``block_figure``: (line labels, title, log scale).
BLOCK_PANELS = ((("pooled std", "unit std"), "forward: std of $x_l$", True),
                (("correlation",), "forward: correlation of two examples", False),
                (("backward std",), r"backward: std of $\partial\ell/\partial x_{l-1}$", True))


def block_figure(block: str = "plain", activation: str = "relu", depth: int = 50,
                 width: int = 64, seed: int = 0, fig=None):
    """The measures of ``blocks.block_propagation`` per block of a random stack: the forward
    signal's pooled std and unit std (log scale), the mean correlation between two examples'
    vectors (0 to 1), and the backward error's std (log scale). ``block`` is a label of
    ``BLOCK_CHOICES`` (or a ``blocks.BLOCKS`` name); the networks are remembered
    (``blocks.cached_block_propagation``) and ``fig``, from an earlier call, is redrawn."""
    from . import blocks

    kind = BLOCK_CHOICES.get(block, block)
    p = blocks.cached_block_propagation(kind, activation, depth, width, n=128, seed=seed)
    series = [{"pooled std": p.forward_std, "unit std": p.unit_std},
              {"correlation": p.correlation}, {"backward std": p.backward_std}]
    limits = [_decades(series[0].values()), (-0.1, 1.05), _decades(series[2].values())]
    panels = [{k: np.clip(np.nan_to_num(v, nan=lo, posinf=hi), lo, hi) for k, v in s.items()}
              for s, (lo, hi) in zip(series, limits, strict=True)]
    if not _set_lines(fig, panels):
        if fig is None:
            fig, _ = plt.subplots(1, 3, figsize=(10.8, 3.7))
            fig.subplots_adjust(left=0.065, right=0.985, bottom=0.15, top=0.8, wspace=0.28)
        fig = _reuse(fig)
        from matplotlib.ticker import MaxNLocator

        for ax, shown, (_, title, log) in zip(fig.axes, panels, BLOCK_PANELS, strict=True):
            plots.plot_layer_values(shown, ax=ax, title=title, ylabel="", log=log,
                                    legend=len(shown) > 1)
            ax.set_title(title, fontsize="medium")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            if log:
                plots.decade_ticks(ax, "y", numticks=7)
    for ax, (lo, hi) in zip(fig.axes, limits, strict=True):
        ax.set_ylim(lo, hi)
        ax.set_xlabel("block")
    label = (f"{depth} {block} blocks, {activation}: at the top, pooled std "
             f"{p.forward_std[-1]:.3g}, correlation {p.correlation[-1]:.2f}")
    if fig._suptitle is None:
        fig.suptitle(label, fontsize="medium", y=0.985, va="top")
    else:
        fig._suptitle.set_text(label)
    return _fixed_titles(fig)


def block_signal(block: str = "plain", activation: str = "relu", depth: int = 50) -> W.Widget:
    """Block (plain, layer norm, RMS norm, pre-norm residual) x activation x depth -> the forward
    signal (pooled std, unit std, correlation) and the backward error per block
    (``block_figure``)."""
    controls = {
        "block": W.Dropdown(options=list(BLOCK_CHOICES), value=block, description="block",
                            style=_LABELS),
        "activation": W.Dropdown(options=BLOCK_ACTIVATIONS, value=activation,
                                 description="activation", style=_LABELS),
        "depth": W.IntSlider(value=depth, min=2, max=BLOCKS_MAX_DEPTH, description="depth",
                             style=_LABELS, continuous_update=False),
    }
    redraw = _Redraw(controls, block_figure, then=block_signal_warm_up)
    redraw()

    def alt() -> str:
        v = redraw.values()
        fwd, corr, bwd = (ax.lines[0].get_ydata() for ax in redraw.fig.axes)
        return (f"Three line charts per block of a stack of {v['depth']} {v['block']} blocks "
                f"with {v['activation']}: the forward signal's pooled and per-unit std (log "
                f"scale; pooled std {fwd[0]:.3g} after block 1, {fwd[-1]:.3g} at the top), the "
                f"mean correlation between two examples ({corr[0]:.2f} to {corr[-1]:.2f}; near "
                f"1, the inputs can no longer be told apart) and the backward error's std "
                f"({bwd[0]:.3g} at the input, {bwd[-1]:.3g} below the top block; 1 above it).")

    return FigureBox([W.HBox([controls["block"], controls["activation"]]), controls["depth"],
                      redraw.out], redraw=redraw, alt=alt, name="block_signal")


def block_signal_warm_up(block: str = "plain", activation: str = "relu", depth: int = 50,
                         width: int = 64, seed: int = 0) -> None:
    """Compute (and remember) the other blocks at this activation and depth: the widget calls it
    after each picture, so switching the block finds its numbers ready (20 to 50 ms a stack)."""
    from . import blocks

    for kind in blocks.BLOCKS:
        blocks.cached_block_propagation(kind, activation, depth, width, n=128, seed=seed)


# --------------------------------------------------------------------------- order and chaos
# Lesson 03: a point (sigma_w, sigma_b) on tanh's mean-field phase diagram (act.variance), and
# what the recursions say it does to q^l, c^l and the backward std over depth.

import functools  # noqa: E402  (imported here: this section was appended to the module)
import numbers  # noqa: E402

#: The grid of the phase diagram: sigma_w across, sigma_b up.
PHASE_SIGMA_W = np.linspace(0.5, 3.0, 26)
PHASE_SIGMA_B = np.linspace(0.0, 1.0, 21)
#: Reference points drawn on the diagram: (label, sigma_w, sigma_b, marker).
PHASE_POINTS = (("LeCun = Glorot", 1.0, 0.0, "o"), ("He", float(np.sqrt(2)), 0.0, "s"),
                ("gain 1.59", 1.5925, 0.0, "^"), ("PyTorch 5/3", 5 / 3, 0.0, "v"),
                ("critical, σ_b = 0.2", 1.3042, 0.2, "D"))
CRITICALITY_MAX_DEPTH = 100


@functools.cache
def _phase_grid(name: str = "tanh"):
    """chi_1 on the phase diagram's grid, and the critical line sigma_w(sigma_b) (computed once:
    about a second on a busy machine)."""
    from scipy.optimize import brentq

    from . import variance

    chi = variance.phase_diagram(name, PHASE_SIGMA_W, PHASE_SIGMA_B)
    chi.flags.writeable = False
    line = np.empty(len(PHASE_SIGMA_B))
    for i, b in enumerate(PHASE_SIGMA_B):  # chi_1 - 1 changes sign once along each row
        j = int(np.argmax(chi[i] >= 1))
        lo, hi = PHASE_SIGMA_W[max(j - 1, 0)], PHASE_SIGMA_W[j]
        line[i] = lo if lo == hi else brentq(
            lambda w, b=b: variance.phase_diagram(name, [w], [b])[0, 0] - 1, lo, hi, xtol=1e-6)
    line.flags.writeable = False
    return chi, line


@functools.lru_cache(maxsize=1024)
def _criticality_numbers(sigma_w: float, sigma_b: float, depth: int):
    from . import variance

    return (variance.mean_field("tanh", sigma_w, sigma_b),
            variance.mean_field_layers("tanh", sigma_w, sigma_b, depth=depth))


def clear_caches() -> None:
    """Forget every number a widget remembers (networks, stacks, mean-field recursions), so the
    next redraw computes from scratch: what ``make bench`` calls a move to a new setting."""
    from . import blocks

    deepnet.clear_caches()
    blocks.clear_cache()
    _criticality_numbers.cache_clear()


def _criticality_check(sigma_w, sigma_b, depth):
    for pname, value, low, high in (("sigma_w", sigma_w, 0.05, 10.0), ("sigma_b", sigma_b, 0, 5)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
                not low <= value <= high:
            raise ValueError(f"criticality_figure: {pname} must be a number in [{low:g}, "
                             f"{high:g}], got {value!r}")
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or \
            not 2 <= depth <= 1000:
        raise ValueError(f"criticality_figure: depth must be an int in [2, 1000], got {depth!r}")


def criticality_figure(sigma_w: float = 1.0, sigma_b: float = 0.0, depth: int = 50, fig=None):
    r"""tanh's order/chaos phase diagram (Poole et al. 2016; Schoenholz et al. 2017) with the
    point (``sigma_w``, ``sigma_b``), and the mean-field recursions there over ``depth`` layers
    (``act.variance.mean_field_layers``; independent standard-normal inputs):

    1. :math:`\log_2 \chi_1` over :math:`(\sigma_w, \sigma_b)` (blue: ordered, red: chaotic),
       the critical line :math:`\chi_1 = 1`, LeCun/Glorot, He, the gain, PyTorch's 5/3 and a
       critical point with bias, and the chosen point (a black cross);
    2. :math:`q^l`, the variance of the pre-activations (solid), and the backward std of
       :math:`\partial\ell/\partial z_l` (dashed, 1 at the top), on one log scale;
    3. :math:`c^l`, the correlation of two inputs' pre-activations (1: no longer told apart).

    ``fig``, from an earlier call, is redrawn if given: only the cross, the lines and the title
    move. The diagram never changes: a new figure draws it once and keeps it as pixels (its text
    is most of the drawing), so that every later redraw costs only the lines."""
    _criticality_check(sigma_w, sigma_b, depth)
    mf, lay = _criticality_numbers(float(sigma_w), float(sigma_b), int(depth))
    layers = np.arange(1, depth + 1)
    series = (np.clip(lay.q, 1e-30, 1e30), np.clip(lay.backward_std, 1e-30, 1e30), lay.c)
    handles = getattr(fig, "_criticality", None) if fig is not None else None
    if handles is None:  # a new figure: its diagram drawn once, without cross, and kept as pixels
        if fig is not None:
            plt.close(fig)
        fig, handles = _criticality_new()
        _criticality_snapshot(fig, handles)
    handles["cross"].set_data([sigma_w], [sigma_b])
    for line, values in zip(handles["lines"], series, strict=True):
        line.set_data(layers, values)
    ax_log, ax_c = handles["panels"]
    ax_log.set_ylim(*_decades(series[:2]))
    for ax in (ax_log, ax_c):
        ax.set_xlim(1, depth)
    handles["title"].set_text(criticality_title(mf))
    return fig


def _criticality_new():
    """A new criticality figure: the diagram's Axes, a transparent Axes over it for the cross
    (so the diagram can be replaced by its pixels), and the two panels of lines."""
    fig, axes = plt.subplots(1, 3, figsize=(12.0, 3.6),
                             gridspec_kw={"width_ratios": [1.25, 1, 1]})
    fig.subplots_adjust(left=0.055, right=0.99, bottom=0.15, top=0.8, wspace=0.3)
    diagram, ax_log, ax_c = axes
    chi, line = _phase_grid()
    limits = (PHASE_SIGMA_W[0], PHASE_SIGMA_W[-1], PHASE_SIGMA_B[0], PHASE_SIGMA_B[-1])
    diagram.imshow(np.clip(np.log2(chi), -2, 2), origin="lower", aspect="auto", cmap="RdBu_r",
                   vmin=-2, vmax=2, interpolation="bilinear", extent=limits)
    diagram.plot(line, PHASE_SIGMA_B, color="k", lw=1.5, label="critical line χ₁ = 1")
    for label, w, b, marker in PHASE_POINTS:
        diagram.plot([w], [b], marker, ms=6, mfc="white", mec="k", clip_on=False, label=label)
    diagram.set(xlabel="σ_w  (weight variance σ_w² / fan-in)", ylabel="σ_b  (bias std)",
                title="tanh: log₂ χ₁  (blue ordered, red chaotic)", xlim=limits[:2],
                ylim=limits[2:])
    diagram.legend(fontsize="x-small", loc="upper left", framealpha=0.8)
    over = fig.add_axes(diagram.get_position(), sharex=diagram, sharey=diagram, zorder=5)
    over.set_axis_off()
    over.patch.set_visible(False)
    cross, = over.plot([], [], "x", ms=12, mew=2.5, color="k", clip_on=False)
    color = plots.color_for("tanh")
    lines = [ax_log.plot([], [], color=color, lw=2)[0],
             ax_log.plot([], [], "--", color="k", lw=1.5)[0],
             ax_c.plot([], [], color=color, lw=2)[0]]
    ax_log.set(yscale="log", xlabel="layer", title="q^l (solid), backward std (dashed)")
    plots.decade_ticks(ax_log, "y", numticks=7)
    ax_c.set(xlabel="layer", ylim=(-0.03, 1.03), title="c^l: correlation of two inputs")
    from matplotlib.ticker import MaxNLocator

    for ax in (ax_log, ax_c):
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    handles = {"diagram": diagram, "cross": cross, "lines": lines, "panels": (ax_log, ax_c),
               "title": fig.suptitle(" ", fontsize="medium")}
    fig._criticality = handles
    return fig, handles


def _criticality_snapshot(fig, handles) -> None:
    """Draw ``fig`` once and replace the diagram's Axes by its pixels (everything left of the
    middle of the gap to the next panel, below the suptitle's band)."""
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if type(fig.canvas) is FigureCanvasBase or not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    height, width, _ = rgba.shape
    diagram, (ax_log, _) = handles["diagram"], handles["panels"]
    renderer = fig.canvas.get_renderer()
    right = int((diagram.get_window_extent().x1
                 + ax_log.get_tightbbox(renderer).x0) // 2)
    top = int(np.ceil(diagram.get_tightbbox(renderer).y1)) + 1
    pixels = rgba[height - min(top, height):, :right].copy()
    diagram.set_visible(False)
    fig.figimage(pixels, xo=0, yo=0, origin="upper", zorder=0)
    handles["pixels"] = pixels


def criticality_title(mf) -> str:
    """One line on a ``variance.MeanField``: the point, its phase, chi_1 and depth scales."""
    def scale(x):
        return "∞" if not np.isfinite(x) else f"{x:.3g}"

    c_star = 0.0 if abs(mf.c_star) < 1e-9 else mf.c_star  # quadrature's 1e-13 is 0
    return (f"tanh, σ_w = {mf.sigma_w:.4g}, σ_b = {mf.sigma_b:.3g}: {mf.phase} "
            f"(χ₁ = {mf.chi_1:.4f}), q* = {mf.q_star:.3g}, c* = {c_star:.3g}, "
            f"ξ_q = {scale(mf.xi_q)}, ξ_c = {scale(mf.xi_c)} layers")


def criticality_alt(sigma_w: float = 1.0, sigma_b: float = 0.0, depth: int = 50) -> str:
    """The alt text of ``criticality_figure`` at this setting: what it shows and the numbers a
    reader needs (phase, chi_1, c^l and the backward ratio at the last layer)."""
    _criticality_check(sigma_w, sigma_b, depth)
    mf, lay = _criticality_numbers(float(sigma_w), float(sigma_b), int(depth))
    with np.errstate(all="ignore"):
        ratio = lay.backward_std[0] / lay.backward_std[-1]
    return (f"Four panels. Left: a heatmap of tanh's chi_1 over sigma_w (across, 0.5 to 3) and "
            f"sigma_b (up, 0 to 1), blue where chi_1 < 1 (ordered), red where > 1 (chaotic), "
            f"with the critical line chi_1 = 1 running from sigma_w = 1 at sigma_b = 0 up to "
            f"the right, reference points on it or beside it (LeCun, He, the gain 1.59, "
            f"PyTorch's 5/3, a critical point with bias) and a cross at sigma_w = {sigma_w:.4g}, "
            f"sigma_b = {sigma_b:.3g}, in the {mf.phase} phase (chi_1 = {mf.chi_1:.3f}). Right: "
            f"line charts over {depth} layers of the variance q^l (ending at {lay.q[-1]:.3g}), "
            f"the correlation c^l of two independent inputs (ending at {lay.c[-1]:.3f}) and "
            f"the backward std, whose ratio layer 1 / layer {depth} is {ratio:.3g}.")


def criticality(sigma_w: float = 1.0, sigma_b: float = 0.0, depth: int = 50) -> W.Widget:
    """Move a point on tanh's order/chaos phase diagram; see q^l, c^l and the backward std over
    depth (``criticality_figure``)."""
    controls = {
        "sigma_w": W.FloatSlider(value=sigma_w, min=0.5, max=3.0, step=0.01, description="σ_w",
                                 style=_LABELS, continuous_update=False),
        "sigma_b": W.FloatSlider(value=sigma_b, min=0.0, max=1.0, step=0.01, description="σ_b",
                                 style=_LABELS, continuous_update=False),
        "depth": W.IntSlider(value=depth, min=10, max=CRITICALITY_MAX_DEPTH, step=5,
                             description="depth", style=_LABELS, continuous_update=False),
    }
    redraw = _Redraw(controls, criticality_figure)
    redraw()

    def alt() -> str:
        return criticality_alt(**redraw.values())

    return FigureBox([W.HBox(list(controls.values())), redraw.out], redraw=redraw, alt=alt,
                     name="criticality")


__all__ += ["CRITICALITY_MAX_DEPTH", "PHASE_POINTS", "criticality", "criticality_alt",
            "criticality_figure"]
