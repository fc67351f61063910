"""Sphinx configuration of the course website (``make site``; docs/build.py assembles the pages
and runs Sphinx). Everything the pages need is served from the site itself: MathJax from
sphinx-mathjax-offline, the theme's fonts and scripts from its package; nothing is executed
(myst-nb renders the committed notebooks' outputs)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent  # the assembled source folder (a copy of docs/)
sys.path.insert(0, str(HERE / "_ext"))

project = "actlib notebooks"
author = "the actlib notebooks contributors"
copyright = "the actlib notebooks contributors; code MIT, lessons and figures CC BY 4.0"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 copied into _static/mathjax: no CDN
    "actlib_site",  # alt text from the outputs' metadata, licence footer, launch links
]

root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "build.py"]
html_static_path = ["_static"]
html_css_files = ["actlib.css"]

# --- notebooks: rendered as committed, never executed
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget state is stored, so no widget JavaScript (from a CDN)
# Without a kernel a widget is its saved picture (widgets.FigureBox): skip the widget view.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None),
                              ("dirhtml", "application/vnd.jupyter.widget-view+json", None)]
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "html_image"]
myst_dmath_double_inline = True
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# --- API reference
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": False}
autodoc_typehints = "description"

# --- HTML
html_theme = "sphinx_book_theme"
html_title = "actlib notebooks"
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = True  # the theme's "download .ipynb" button serves the page's notebook
pygments_style = "a11y-light"  # accessible-pygments: WCAG AA contrast for code
pygments_dark_style = "a11y-dark"
html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "pygments_light_style": "a11y-light",
    "pygments_dark_style": "a11y-dark",
}
html_context = {"default_mode": "light"}
