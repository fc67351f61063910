"""The site's one Sphinx extension: figures keep the alt text the notebooks saved, and every
page's footer states the licences.

``actlib.plots.show`` and the widgets' saved pictures (``actlib.widgets.FigureBox``) write each
figure's alt text into the output's metadata, ``metadata["image/png"]["alt"]``, where nbconvert's
templates read it. myst-nb (1.4) takes an image's alt only from the cell's metadata
(``mystnb.image.alt``) and otherwise leaves none, so the theme's page gets the file name. Here
myst-nb's image renderer is wrapped: an output's own alt text goes on its image node unless the
cell sets one. A figure saved without alt text is a build warning (an error with ``-W``).
"""

from __future__ import annotations

import functools
import re

from myst_nb.core.render import NbElementRenderer

_render_image = NbElementRenderer.render_image


def render_image(self, data):
    nodes = _render_image(self, data)
    alt = (data.output_metadata or {}).get(data.mime_type, {}).get("alt")
    for node in nodes:
        if not node.get("alt"):
            if alt:
                node["alt"] = str(alt)
            else:
                self.logger.warning(f"a {data.mime_type} output has no alt text (use "
                                    "actlib.plots.show(fig, alt=...))", subtype="image",
                                    line=data.line)
    return nodes


FOOTER = ('<p>Code: <a href="https://opensource.org/license/mit">MIT License</a>. Lessons, '
          'text and figures: <a href="https://creativecommons.org/licenses/by/4.0/">Creative '
          'Commons Attribution 4.0 International (CC BY 4.0)</a>. See the '
          '<a href="{licence}">licence</a> and <a href="{cite}">how to cite</a>.</p>')


def licence_footer(app, pagename, templatename, context, doctree):
    """sphinx-book-theme's extra footer, with links relative to the page."""
    pathto = context["pathto"]
    context["theme_extra_footer"] = FOOTER.format(licence=pathto("licence"),
                                                  cite=pathto("cite"))


_KEEP = re.compile(r"(``.*?``|:math:`.*?`|`[^`]*`_?)")


_STARS = re.compile(r"(?<![\\*])\*\*(?=\w+[),])")  # "(x, **params)": not bold


def _escape_prose(line: str) -> str:
    """Plain-text notation in prose, as reST would misread it, escaped outside literals and
    roles: ``|x|`` (an absolute value, not a substitution), ``**params`` (not bold)."""
    return "".join(part if _KEEP.fullmatch(part) else
                   _STARS.sub(r"\\*\\*", part.replace("|", "\\|"))
                   for part in _KEEP.split(line))


def clean_docstring(app, what, name, obj, options, lines):
    """Docstrings as reST reads them: plain-text notation escaped outside math blocks."""
    in_math = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(".. math::"):
            in_math = True  # in math, bars are absolute values and norms: left alone
        elif in_math and stripped and not line.startswith((" ", "\t")):
            in_math = False
        if not in_math:
            line = _escape_prose(line)
        lines[i] = line


TOGGLE_LABEL = "Show or hide this section's pages"


def label_toggles(app, pagename, templatename, context, doctree):
    """The navigation's expand/collapse toggles (pydata-sphinx-theme: a <summary> holding only
    a chevron icon) get a name screen readers can say (axe: summary-name)."""
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    @functools.wraps(generate)
    def labelled(*args, **kwargs):
        soup = generate(*args, **kwargs)
        if hasattr(soup, "select"):
            for summary in soup.select("summary"):
                if not summary.get_text(strip=True) and not summary.get("aria-label"):
                    summary["aria-label"] = TOGGLE_LABEL
        return soup

    context["generate_toctree_html"] = labelled


def napoleon_skips_attributes(app) -> None:
    """napoleon reads Google-style sections (Keras' inherited docstrings have them), but it also
    reads the first line of an attribute's ``#:`` comment as "type: text", so that
    "#: The gates phi a unit can use: GLU, ..." rendered as "Type: The gates phi ...". Keep its
    handler for everything but attributes."""
    from sphinx.ext import napoleon

    listeners = app.events.listeners.get("autodoc-process-docstring", [])
    for listener in list(listeners):
        if listener.handler is napoleon._process_docstring:
            app.disconnect(listener.id)

            def process(app, what, name, obj, options, lines):
                if what not in ("attribute", "data"):
                    napoleon._process_docstring(app, what, name, obj, options, lines)

            app.connect("autodoc-process-docstring", process, priority=listener.priority)


def setup(app):
    NbElementRenderer.render_image = render_image
    app.connect("builder-inited", napoleon_skips_attributes)
    app.connect("html-page-context", label_toggles, priority=900)  # after the theme's
    app.connect("autodoc-process-docstring", clean_docstring)
    app.connect("html-page-context", licence_footer)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
