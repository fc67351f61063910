"""A widget: controls wired to a figure function, the figure shown as a PNG and saved with the
notebook as a picture with alt text.

``_Redraw(controls, draw)`` calls ``draw(**values, fig=previous)`` into an Output whenever a
control moves and shows the figure through ``_show`` (``render_png``, not ``display(fig)``);
every widget shows its pictures there, so a test that replaces ``actlib.widgets.box._show`` sees
them all. ``FigureBox`` is the widget's VBox: its display carries the widget view, the figure
shown now as a PNG and its alt text, for every frontend that cannot run the widget. ``_LABELS``
is the controls' label style.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import ipywidgets as W
import matplotlib.pyplot as plt

from .. import plots
from .figure import picture_png, render_png

__all__ = ["WIDGET_VIEW", "FigureBox"]


_LABELS = {"description_width": "initial"}  # labels in full ("weight scale", not "weight sc...")


def _show(fig) -> None:
    from IPython.display import Image, display

    display(Image(data=render_png(fig), format="png"))
    plt.close(fig)  # out of pyplot, or the inline backend shows it again, outside the widget


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
