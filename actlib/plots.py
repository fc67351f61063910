"""Figures for the notebooks. Each function draws on an Axes (a new one if ``ax`` is None) and
returns it, so notebooks compose them and tests call them without a screen. Every figure gets a
title, labelled axes and a legend where lines are compared."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogFormatter, LogLocator, NullLocator

from .functions import get, softmax

__all__ = ["COLORS", "check_alt", "color_for", "decade_label", "decade_ticks", "figure_bundle",
           "integer_ticks", "log_scale", "plot_activation", "plot_decision_boundary",
           "plot_histories", "plot_layer_values", "plot_softmax", "show", "subplots"]

X_RANGE = (-5.0, 5.0)

#: One colour per activation, everywhere in the collection, from Paul Tol's discrete rainbow
#: (the colour-blind-safe scheme he gives for more than 9 categories; its palest tints, which do
#: not read as lines on white, are left out). Family members that share a figure (ReLU and its
#: variants; the smooth modern ones) get far-apart hues. ``linear`` is the scheme's neutral grey;
#: ``softmax`` is drawn in its two-class form, which *is* the sigmoid, so it shares that colour.
COLORS = {
    "sigmoid": "#882E72", "softmax": "#882E72", "tanh": "#7BAFDE", "linear": "#777777",
    "relu": "#DC050C", "leaky_relu": "#F1932D", "prelu": "#72190E", "rrelu": "#F6C141",
    "elu": "#4EB265", "selu": "#1965B0", "softplus": "#AA6F9E", "gelu": "#90C987",
    "silu": "#994F88", "swish": "#994F88", "mish": "#5289C7",
}


def color_for(label: str):
    """The collection's colour for an activation, from a name or a label that starts with one
    ("relu", "relu (he_normal)", "leaky_relu(alpha=0.1)"); None (matplotlib's cycle) otherwise."""
    key = str(label).strip().lower().replace("-", "_").replace(" ", "_")
    for name in sorted(COLORS, key=len, reverse=True):  # leaky_relu before relu
        if key.startswith(name):
            return COLORS[name]
    return None


def integer_ticks(ax, axis: str = "x"):
    """Only whole numbers on ``axis`` (layers, epochs)."""
    from matplotlib.ticker import MaxNLocator

    getattr(ax, f"{axis}axis").set_major_locator(MaxNLocator(integer=True))
    return ax


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_label(value: float) -> str:
    """A power of ten as plain text with superscripts: 1e-14 -> "10⁻¹⁴" ("" for 0 or less)."""
    if not value > 0:
        return ""
    return "10" + str(round(float(np.log10(value)))).translate(_SUPERSCRIPTS)


class PlainLogFormatter(LogFormatter):
    """Matplotlib's LogFormatter (the same choice of which ticks get a label) writing plain
    text, 10⁻³ and 2×10⁻³, where matplotlib's default writes math text: math text is parsed
    afresh for every new label and every new figure, up to a quarter of a widget's redraw."""

    def __call__(self, x, pos=None):
        if not x > 0 or not super().__call__(x, pos):  # LogFormatter's "no label here"
            return ""
        exponent = int(np.floor(np.log10(x) + 1e-9))
        coeff = round(x / 10.0 ** exponent)
        decade = decade_label(10.0 ** exponent)
        return decade if coeff == 1 else f"{coeff}×{decade}"


def log_scale(ax, axis: str = "y"):
    """Put ``axis`` on a log scale, its ticks labelled in plain text (``PlainLogFormatter``)."""
    getattr(ax, f"set_{axis}scale")("log")
    target = getattr(ax, f"{axis}axis")
    target.set_major_formatter(PlainLogFormatter())
    target.set_minor_formatter(PlainLogFormatter(labelOnlyBase=False))
    return ax


def decade_ticks(ax, axis: str = "y", numticks: int = 7):
    """A log ``axis`` ticked at whole decades only (at most ``numticks``), no minor ticks,
    labelled in plain text (10⁻³): cheap to redraw, for widgets whose range moves."""
    target = getattr(ax, f"{axis}axis")
    target.set_major_locator(LogLocator(numticks=numticks))
    target.set_minor_locator(NullLocator())
    target.set_major_formatter(PlainLogFormatter())
    return ax


def subplots(ncols: int = 1, nrows: int = 1, width: float = 4.2, height: float = 3.2,
             fast: bool = False, **kwargs):
    """``plt.subplots`` with a size per panel that reads well inline; returns (fig, axes).

    ``fast=True`` (for widgets, which redraw on every move) uses fixed margins instead of
    matplotlib's constrained layout, which doubles the time to render a figure.
    """
    size = (width * ncols, height * nrows)
    if fast:
        fig, axes = plt.subplots(nrows, ncols, figsize=size, **kwargs)
        fig.subplots_adjust(left=0.8 / size[0], right=1 - 0.2 / size[0], bottom=0.55 / size[1],
                            top=1 - 0.4 / size[1], wspace=0.3 * ncols, hspace=0.4)
        return fig, axes
    return plt.subplots(nrows, ncols, figsize=size, layout="constrained", **kwargs)


def _ax(ax):
    return ax if ax is not None else subplots()[1]


def _params_text(params: Mapping) -> str:
    shown = {k: v for k, v in params.items() if k not in ("rng", "training")}
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in shown.items())


def plot_activation(name: str, ax=None, x=None, derivative: bool = True, label: str | None = None,
                    color=None, ylim=None, **params):
    """f (solid) and, if ``derivative``, f' (dashed) of activation ``name`` on x
    (default 401 points on [-5, 5]). Softmax is drawn as softmax([x, 0])_0, its two-class
    form (which is the sigmoid)."""
    ax = _ax(ax)
    x = np.linspace(*X_RANGE, 401) if x is None else np.asarray(x, float)
    fn = get(name)
    if fn.name == "softmax":
        z = np.stack([x, np.zeros_like(x)], axis=-1)
        y, dy = fn(z)[:, 0], fn.derivative(z)[:, 0]
    else:
        y, dy = fn(x, **params), fn.derivative(x, **params)
    text = label or (f"{name}({_params_text(params)})" if params else name)
    if fn.name == "softmax" and label is None:
        text = "softmax([x, 0])[0]"  # a vector function: its two-class form, the sigmoid
    (line,) = ax.plot(x, y, color=color or color_for(fn.name), lw=2, label=text)
    if derivative:
        ax.plot(x, dy, color=line.get_color(), lw=1.5, ls="--", label=f"{text}'")
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.axvline(0, color="0.8", lw=0.8, zorder=0)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set(xlabel="x", ylabel="f(x), f'(x)" if derivative else "f(x)")
    ax.set_title(f"{text} and its derivative" if derivative else text)
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_decision_boundary(model, X, y, ax=None, title: str = "", resolution: int = 150):
    """The class a Keras classifier predicts over the plane, with the data on top."""
    ax = _ax(ax)
    X, y = np.asarray(X), np.asarray(y)
    pad = 0.2
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    logits = np.asarray(model(grid, training=False))
    classes = logits.argmax(axis=1).reshape(gx.shape)
    n_classes = max(int(y.max()) + 1, logits.shape[1])
    cmap = plt.get_cmap("coolwarm" if n_classes == 2 else "viridis", n_classes)
    ax.contourf(gx, gy, classes, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap, alpha=0.3)
    for k in range(n_classes):
        pts = X[y == k]
        ax.scatter(pts[:, 0], pts[:, 1], s=6, color=cmap(k), label=f"class {k}")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title or "decision boundary")
    ax.legend(loc="lower right", fontsize="x-small", markerscale=2)
    return ax


def plot_histories(results: Mapping, metric: str = "loss", ax=None, title: str = "",
                   validation: bool = False):
    """One line per result (``training.Result``): ``metric`` per epoch."""
    ax = _ax(ax)
    key = f"val_{metric}" if validation else metric
    for name, result in results.items():
        values = result.history[key]
        ax.plot(np.arange(1, len(values) + 1), values, label=name, color=color_for(name))
    # The lessons pass their test set as Keras' validation data: call it what it is.
    label = f"{'test' if validation else 'training'} {metric}"
    ax.set(xlabel="epoch", ylabel=label, title=title or label)
    integer_ticks(ax)
    if metric == "loss":
        log_scale(ax)
    ax.legend(fontsize="small")
    return ax


def plot_layer_values(values: Mapping[str, Sequence[float]], ax=None, title: str = "",
                      ylabel: str = "gradient norm", log: bool = True, legend: bool = True):
    """One line per entry of ``values``: a number per layer (gradient norms, means, stds); with a
    legend unless ``legend`` is False (panels that share one legend)."""
    ax = _ax(ax)
    for name, v in values.items():
        v = np.asarray(v, float)
        ax.plot(np.arange(1, len(v) + 1), v, marker="o", ms=3, label=name, color=color_for(name))
    integer_ticks(ax)
    if log:
        log_scale(ax)
    ax.set(xlabel="layer", ylabel=ylabel, title=title or f"{ylabel} per layer")
    if values and legend:
        ax.legend(fontsize="small")
    return ax


def plot_softmax(logits: Sequence[float], temperature: float = 1.0, ax=None,
                 labels: Sequence[str] | None = None):
    """Bars of softmax(logits / temperature), each labelled with its probability."""
    ax = _ax(ax)
    z = np.asarray(logits, float)
    p = softmax(z / temperature)
    labels = list(labels) if labels is not None else [f"class {i}" for i in range(len(z))]
    bars = ax.bar(labels, p, color="tab:blue", label=f"T = {temperature:g}")
    ax.bar_label(bars, labels=[f"{v:.3f}" for v in p], fontsize="small")
    ax.set_ylim(0, 1.1)
    ax.set(xlabel="class", ylabel="probability",
           title=f"softmax(z / T), T = {temperature:g}")
    ax.legend(loc="upper right", fontsize="small")
    return ax


# --------------------------------------------------------------------------- showing, with alt text

#: What a figure's alt text may not be: a word that names no content, or a generator's stock text.
PLACEHOLDER_ALTS = frozenset({
    "alt", "alt text", "chart", "diagram", "fig", "figure", "graph", "graphic", "image", "img",
    "picture", "plot", "tbd", "todo", "xxx", "untitled", "output", "description",
    "no description has been provided for this image",
})
_FILE_NAME = re.compile(r"^\S+\.(png|jpe?g|svg|gif|pdf|webp)$", re.IGNORECASE)
MIN_ALT_WORDS = 4


def check_alt(alt, where: str = "plots.show") -> str:
    """``alt`` stripped, if it can describe a figure: a str of at least ``MIN_ALT_WORDS`` words,
    not a placeholder ("figure", nbconvert's "No description has been provided for this image")
    nor a file name; else TypeError or ValueError naming ``where`` and ``alt``."""
    if not isinstance(alt, str):
        raise TypeError(f"{where}: alt must be a str describing the figure, got "
                        f"{type(alt).__name__}")
    text = " ".join(alt.split())
    bare = text.lower().strip(" .:!?'\"()[]")
    if not text:
        raise ValueError(f"{where}: alt is empty; say what the figure shows (chart type, what is "
                         f"plotted against what, the point to see)")
    if bare in PLACEHOLDER_ALTS or _FILE_NAME.match(text):
        raise ValueError(f"{where}: alt {alt!r} is a placeholder, not a description; say what "
                         f"the figure shows (chart type, what is plotted against what, the point)")
    if len(text.split()) < MIN_ALT_WORDS:
        raise ValueError(f"{where}: alt {alt!r} is too short ({len(text.split())} words, at least "
                         f"{MIN_ALT_WORDS}); say what the figure shows and the point to see")
    return text


def _png_of(fig):
    """The PNG (base64 str) and its metadata that the notebook's inline backend would show for
    ``fig`` (its own formatter, so its dpi, ``bbox_inches="tight"`` and retina setting), or
    IPython's ``print_figure`` with the inline backend's defaults outside IPython."""
    from IPython import get_ipython
    from IPython.core.pylabtools import print_figure

    shell = get_ipython()
    printer = None
    if shell is not None and hasattr(shell, "display_formatter"):
        try:
            printer = shell.display_formatter.formatters["image/png"].lookup(fig)
        except KeyError:
            printer = None
    if printer is None:
        result = print_figure(fig, fmt="png", base64=True, bbox_inches="tight")
    else:
        result = printer(fig)
    data, metadata = result if isinstance(result, tuple) else (result, {})
    if isinstance(data, bytes):
        import base64

        data = base64.b64encode(data).decode("ascii")
    return data, dict(metadata or {})


def figure_bundle(fig, alt: str, where: str = "plots.figure_bundle") -> tuple[dict, dict]:
    """(data, metadata) of a display_data output showing ``fig`` as a PNG with alt text ``alt``:
    ``metadata["image/png"]["alt"]`` is where nbconvert's templates, the site's Sphinx build
    (``site/_ext/alt_text.py``) and the tests read it; ``text/plain`` is the alt text too, for
    any reader that shows no images."""
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"{where}: fig must be a matplotlib Figure, got {type(fig).__name__}")
    alt = check_alt(alt, where)
    png, metadata = _png_of(fig)
    if png is None:
        raise ValueError(f"{where}: fig has nothing to draw (no Axes)")
    return {"image/png": png, "text/plain": alt}, {"image/png": {**metadata, "alt": alt}}


def show(fig, alt: str) -> None:
    """Display ``fig`` in the notebook, as the inline backend would (same PNG), with alt text:
    one or two sentences naming the chart type, what is plotted against what and the point to
    see, e.g. ``plots.show(fig, alt="Line chart of ReLU and its derivative on [-5, 5]: the
    derivative jumps from 0 to 1 at x = 0.")``. The figure is closed afterwards (the inline
    backend would otherwise show it a second time, without alt text). ``alt`` is checked
    (``check_alt``): an empty or placeholder text raises ValueError."""
    from IPython.display import display

    try:
        data, metadata = figure_bundle(fig, alt, where="plots.show")
    except (TypeError, ValueError):
        if hasattr(fig, "number"):
            plt.close(fig)
        raise
    display(data, metadata=metadata, raw=True)
    plt.close(fig)
