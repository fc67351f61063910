r"""Softmax temperature (lesson 05): the probabilities

.. math:: \operatorname{softmax}(z / T)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}

as bars, for logits z the student types and a temperature T on a log slider (at least
``TEMPERATURE_MIN``): a higher T flattens them, a lower one sharpens them toward the largest
logit.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from .. import plots
from .box import _LABELS, FigureBox, _Redraw
from .figure import _fixed_titles, _reuse

__all__ = ["TEMPERATURE_MIN", "temperature_figure", "softmax_temperature"]


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
