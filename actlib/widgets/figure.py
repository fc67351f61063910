r"""A widget's figure, fast: a redraw gives an earlier figure new data (its axes, ticks and tick
labels stay: drawing them is most of a figure's cost) and turns it into a PNG without the second
layout of ``savefig(bbox_inches="tight")``; a figure redrawn so is pixel for pixel one drawn anew.

- ``render_png(fig)``: the PNG a widget shows; a figure legend is drawn once, then copied as
  pixels (``_legend``);
- ``picture_png(fig)``: the same pixels, encoded as a saved notebook keeps them;
- ``_reuse``: an earlier figure emptied of its data (or a new fast one); ``_set_lines``: the same
  lines given new values; ``_new_limits``, ``_fixed_titles``: what keeps the pixels those of a
  new figure;
- ``_decades(values)``: log-axis limits in whole decades,
  :math:`10^{\lfloor \log_{10} \min v \rfloor}` to :math:`10^{\lceil \log_{10} \max v \rceil}`
  over the finite positive values v, at least :math:`10^{-3}` to 10, at most :math:`10^{\pm 30}`.
"""

from __future__ import annotations

import io
import struct
import weakref
import zlib
from collections.abc import Sequence

import numpy as np

from .. import plots

__all__ = ["render_png", "picture_png"]


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

    if type(fig.canvas) is FigureCanvasBase:  # closed by pyplot (as box._show does): Agg again
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


def _titled(fig, label: str):
    """Set (or make) the figure's suptitle to ``label``; the figure, its titles fixed."""
    if fig._suptitle is None:
        fig.suptitle(label, fontsize="medium", y=0.985, va="top")
    else:
        fig._suptitle.set_text(label)
    return _fixed_titles(fig)


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


def _decades(values: Sequence[np.ndarray]) -> tuple[float, float]:
    """Log-axis limits: whole decades around every finite positive value, at least 1e-3..10,
    at most 1e-30..1e30 (so a vanished or exploded signal shows as a line at the edge)."""
    v = np.concatenate([np.asarray(a, float).ravel() for a in values])
    v = v[np.isfinite(v) & (v > 0)]
    lo = np.floor(np.log10(v.min())) if v.size else -3.0
    hi = np.ceil(np.log10(v.max())) if v.size else 1.0
    return 10.0 ** max(min(lo, -3.0), -30.0), 10.0 ** min(max(hi, 1.0), 30.0)
