"""actlib.plots and actlib.widgets: the pure figure functions over every value a control allows,
and the widgets wired to them (constructed, controls moved, without a kernel)."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import actlib as act  # noqa: E402
from actlib import plots, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def lines_are_finite(ax):
    return all(np.isfinite(line.get_ydata()).all() for line in ax.get_lines()
               if len(line.get_ydata()) > 2)


@pytest.mark.parametrize("name", act.NAMES)
def test_plot_activation_every_name(name):
    ax = plots.plot_activation(name)
    shown = "softmax([x, 0])[0]" if name == "softmax" else name  # a vector function: 2-class form
    assert ax.get_title() == f"{shown} and its derivative"
    assert ax.get_lines()[0].get_color().upper() == plots.COLORS[name]
    assert ax.get_xlabel() == "x" and ax.get_legend() is not None
    assert len(ax.get_lines()) >= 2 and lines_are_finite(ax)


@pytest.mark.parametrize(("name", "param"), list(widgets.SLIDERS))
def test_explorer_figure_at_slider_ends(name, param):
    lo, hi, _ = widgets.SLIDERS[(name, param)]
    for value in (lo, hi):
        params = {param: value}
        if name == "rrelu":
            params = {"lower": value, "upper": lo}  # crossed sliders must still draw
        fig = widgets.explorer_figure(name, "relu", **params)
        assert lines_are_finite(fig.axes[0])


def test_explorer_figure_compare_title():
    fig = widgets.explorer_figure("gelu", "silu", approximate=True)
    assert fig.axes[0].get_title() == "gelu vs silu: f (solid) and f' (dashed)"


@pytest.mark.parametrize("activation", [n for n in act.NAMES if n != "softmax"])
@pytest.mark.parametrize(("depth", "scale"), [(2, 0.1), (widgets.GRADIENT_FLOW_MAX_DEPTH, 0.1),
                                              (widgets.GRADIENT_FLOW_MAX_DEPTH, 10.0)])
def test_gradient_flow_figure_extremes(activation, depth, scale):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = widgets.gradient_flow_figure(activation, depth, scale)
    assert [ax.get_title() for ax in fig.axes] == [title for _, title in widgets.PANELS]
    for ax in fig.axes:  # every layer drawn, vanished or exploded values at the axis' edge
        (line,) = ax.get_lines()
        y = line.get_ydata()
        lo, hi = ax.get_ylim()
        assert len(y) == depth and np.all(np.isfinite(y)) and np.all((lo <= y) & (y <= hi))
        assert ax.get_xlabel().startswith("layer")


def test_propagation_figure_shows_the_three_measurements():
    fig = widgets.propagation_figure("relu", "lecun_normal", depth=20)
    result = act.deepnet.propagation("relu", 20, 64, "lecun_normal", n=128)
    forward, backward, weight = (ax.get_lines()[0].get_ydata() for ax in fig.axes)
    assert np.allclose(forward, result.forward_std) and np.allclose(backward, result.backward_std)
    assert np.allclose(weight, result.weight_grad_norm / result.weight_grad_norm[-1])
    factor = float(fig.axes[0].get_xlabel().split("× ")[1].split()[0])
    assert 0.6 < factor < 0.8  # ReLU + LeCun: about 1/sqrt(2) per layer
    assert fig._suptitle.get_text() == "relu, lecun_normal, scale 1"


def test_decade_labels_are_plain_text_powers_of_ten():
    assert [plots.decade_label(v) for v in (1e-14, 1.0, 10.0, 1e-3, 0.0)] == \
        ["10⁻¹⁴", "10⁰", "10¹", "10⁻³", ""]
    fig = widgets.propagation_figure("sigmoid", "lecun_normal", depth=20)
    fig.canvas.draw()
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    shown = [(v, t.get_text()) for v, t in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
             if lo <= v <= hi]
    assert len(shown) >= 3 and not ax.yaxis.get_minor_ticks()
    for value, text in shown:  # whole decades, no math text (which is re-parsed per figure)
        assert "$" not in text and np.log10(value) == round(np.log10(value))
        assert text == plots.decade_label(value)
    assert shown[0][1].startswith("10⁻")  # sigmoid's backward signal: down to 1e-12 and below


def test_log_axes_are_labelled_in_plain_text():
    """Matplotlib's labels are math text, parsed anew for every new label and figure; the
    collection's log axes say 10⁻¹ and 3×10⁻¹ in plain text, with matplotlib's choice of ticks."""
    def shown(values, minor):  # (older matplotlib also lists the ticks just outside the view)
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3], values)
        plots.log_scale(ax)
        fig.canvas.draw()
        lo, hi = ax.get_ylim()
        texts = [t.get_text() for v, t in zip(ax.get_yticks(minor=minor),
                                              ax.get_yticklabels(minor=minor), strict=True)
                 if t.get_text() and lo <= v <= hi]
        plt.close(fig)
        return texts

    assert shown([0.08, 0.5, 1.5], minor=False) == ["10⁻¹", "10⁰"]
    assert shown([0.3, 0.5, 0.9], minor=True) == ["3×10⁻¹", "4×10⁻¹", "6×10⁻¹"]  # < 1 decade
    for setups in (("SELU, lecun_normal",), tuple(widgets.SELF_NORM_SETUPS)):
        fig = widgets.self_normalisation_figure(setups, depth=100)
        fig.canvas.draw()
        labels = [t.get_text() for m in (False, True)
                  for t in fig.axes[1].get_yticklabels(minor=m) if t.get_text()]
        assert labels and not any("$" in t for t in labels), labels
        plt.close(fig)


def test_shrink_factor():
    assert widgets.shrink_factor([1e-4, 1e-3, 1e-2, 1e-1]) == pytest.approx(0.1)
    assert np.isnan(widgets.shrink_factor([0.0, 1.0]))
    assert np.isnan(widgets.shrink_factor([1.0]))


def test_self_normalisation_figure_all_setups_and_depths():
    for depth in (1, 100):
        fig = widgets.self_normalisation_figure(tuple(widgets.SELF_NORM_SETUPS), depth=depth)
        assert len(fig.axes) == 2 and len(fig.axes[0].get_lines()) == len(widgets.SELF_NORM_SETUPS)
    assert len(widgets.self_normalisation_figure(()).axes) == 2


def test_temperature_figure_extremes():
    for t in (widgets.TEMPERATURE_MIN, 0.0, 1.0, 20.0):
        fig = widgets.temperature_figure([3, 0.7, 0.5], t)
        heights = [p.get_height() for p in fig.axes[0].patches]
        assert sum(heights) == pytest.approx(1.0)
    fig = widgets.temperature_figure([1000, 0, -1000], widgets.TEMPERATURE_MIN)
    assert [p.get_height() for p in fig.axes[0].patches] == [1.0, 0.0, 0.0]


def test_widgets_build_and_redraw_when_controls_move(monkeypatch):
    drawn = []
    monkeypatch.setattr(widgets.box, "_show", lambda fig: (drawn.append(fig), plt.close(fig)))
    box = widgets.activation_explorer("elu")
    first = len(drawn)
    assert first == 1
    dropdown = box.children[0].children[0]
    dropdown.value = "rrelu"
    slider_names = [c.description for c in box.children[1:-1]]
    assert slider_names == ["lower", "upper"]
    box.children[1].value = 0.9  # lower above upper: still a picture
    dropdown.value = "gelu"
    assert [c.description for c in box.children[1:-1]] == ["tanh approximation"]
    box.children[1].value = True
    assert len(drawn) == first + 4
    assert all(lines_are_finite(fig.axes[0]) for fig in drawn)

    flow = widgets.gradient_flow()
    flow.children[1].children[0].value = widgets.GRADIENT_FLOW_MAX_DEPTH
    flow.children[1].children[1].value = 10.0
    flow.children[0].children[1].value = "he_normal"
    norm = widgets.self_normalisation()
    norm.children[0].children[1].value = 100
    temp = widgets.softmax_temperature()
    temp.children[0].value = "1, two, 3"  # bad text: a message, the default logits
    assert "finite numbers" in temp.children[2].value
    temp.children[0].value = "1, 2, 3"
    assert temp.children[2].value == ""
    temp.children[1].value = widgets.TEMPERATURE_MIN
    # explorer 1 + 4, gradient flow 1 + 3, self-normalisation 1 + 1, temperature 1 + 3
    assert len(drawn) == 15


def test_plot_softmax_and_layer_values_labels():
    ax = plots.plot_softmax([3, 0.7, 0.5], 1.0)
    assert [t.get_text() for t in ax.texts] == ["0.846", "0.085", "0.069"]
    ax = plots.plot_layer_values({"a": [1, 0.1, 0.01]}, ylabel="gradient norm")
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "layer"


def pixels(fig):
    from io import BytesIO

    from PIL import Image

    return np.asarray(Image.open(BytesIO(widgets.render_png(fig))))


many = tuple(widgets.SELF_NORM_SETUPS)
REDRAWS = {  # a figure function and the settings a student moves through, in order
    "explorer": (widgets.explorer_figure, [
        {"name": "elu", "alpha": 1.0}, {"name": "elu", "alpha": 2.0},
        {"name": "gelu", "compare": "silu"},
        {"name": "gelu", "compare": "silu", "approximate": True},
        {"name": "rrelu", "compare": "relu", "lower": 0.9, "upper": 0.1},
        {"name": "relu", "compare": "(none)"}]),
    "gradient flow": (widgets.gradient_flow_figure, [
        {"activation": "sigmoid", "depth": 20}, {"activation": "sigmoid", "depth": 21},
        {"activation": "relu", "depth": 50, "weight_scale": 10.0},
        {"activation": "tanh", "depth": 2, "weight_scale": 0.1},
        {"activation": "sigmoid", "depth": 50, "weight_scale": 0.1},  # underflows: no line
        {"activation": "sigmoid", "depth": 49, "weight_scale": 0.1},
        {"activation": "sigmoid", "depth": 20, "weight_scale": 0.1},
        {"activation": "relu", "depth": 50, "weight_scale": 10.0},  # overflows
        {"activation": "relu", "depth": 49, "weight_scale": 10.0},
        {"activation": "sigmoid", "depth": 20}]),
    "signal propagation": (widgets.propagation_figure, [
        {"activation": "relu", "init": "lecun_normal"}, {"activation": "relu", "init": "he_normal"},
        {"activation": "relu", "init": "he_normal", "depth": 50},
        {"activation": "selu", "init": "random_normal", "depth": 50},
        {"activation": "tanh", "init": "glorot_uniform", "depth": 3}]),
    "self-normalisation": (widgets.self_normalisation_figure, [
        {}, {"depth": 51}, {"setups": many, "depth": 100}, {"setups": many[4:5], "depth": 1},
        {"setups": (), "depth": 10}, {"setups": many[:2], "depth": 10},
        {"setups": many[:2], "depth": 1}, {"setups": many[:2], "depth": 100}, {}]),
    "softmax temperature": (widgets.temperature_figure, [
        {"logits": [3, 0.7, 0.5], "temperature": 0.5},
        {"logits": [3, 0.7, 0.5], "temperature": 20}, {"logits": [1, 2, 3, 4], "temperature": 1.0},
        {"logits": [1000, 0, -1000, 5], "temperature": 0.05},
        {"logits": [1, 2], "temperature": 1}]),
}


@pytest.mark.parametrize("widget", list(REDRAWS))
def test_redrawn_figure_changes_and_looks_like_a_new_one(widget):
    """What a widget shows after a control moves: its figure, redrawn for the new setting, is
    pixel for pixel the figure the function draws from scratch, and differs from the last one."""
    draw, settings = REDRAWS[widget]
    fig, last, reused = None, None, 0
    for kwargs in settings:
        redrawn = draw(**kwargs, fig=fig)
        reused += redrawn is fig
        fig = redrawn
        fresh = draw(**kwargs)
        shown = pixels(fig)
        assert np.array_equal(shown, pixels(fresh)), kwargs
        plt.close(fresh)
        assert last is None or not np.array_equal(shown, last), kwargs
        last = shown
    assert reused >= len(settings) - 3  # a new figure only for a new number of classes, or none


def test_widget_shows_a_new_picture_for_every_control_change(monkeypatch):
    shown = []
    monkeypatch.setattr(widgets.box, "_show", lambda fig: shown.append(widgets.render_png(fig)))
    flow = widgets.gradient_flow()
    depth, scale = flow.children[1].children
    depth.value = 21
    depth.value = 20  # back: from the cache, the first picture again
    scale.value = 10.0
    flow.children[0].children[0].value = "relu"
    assert len(shown) == 5 and shown[2] == shown[0]
    assert all(a != b for a, b in zip(shown[:-1], shown[1:], strict=True))
    act.deepnet.clear_caches()
    norm = widgets.self_normalisation()
    norm.children[0].children[1].value = 100
    # every setup was computed after the last picture: ticking them all computes nothing more
    runs = act.deepnet._stats_run.cache_info()
    assert runs.currsize == len(widgets.SELF_NORM_SETUPS)
    norm.children[0].children[0].value = tuple(widgets.SELF_NORM_SETUPS)
    assert act.deepnet._stats_run.cache_info().misses == runs.misses
    assert len(shown) == 8 and len(set(shown[5:])) == 3


def test_render_png_gives_the_pixels_of_savefig():
    from io import BytesIO

    from PIL import Image

    for fig in (widgets.gradient_flow_figure(), widgets.self_normalisation_figure(),
                widgets.temperature_figure()):
        buf = BytesIO()
        fig.savefig(buf, format="png", dpi=fig.dpi)
        saved = np.asarray(Image.open(buf))
        w, h = fig.canvas.get_width_height()  # matplotlib's own rounding of inches x dpi
        assert saved.shape == (h, w, 4)
        assert np.array_equal(pixels(fig), saved)


def test_one_colour_per_activation():
    """Every activation has the collection's colour, distinct from every other one's (softmax
    is drawn as its two-class form, the sigmoid, and swish is silu's other name)."""
    from actlib.functions import NAMES

    distinct = [n for n in NAMES if n != "softmax"]
    assert set(NAMES) <= set(plots.COLORS)
    assert len({plots.COLORS[n] for n in distinct}) == len(distinct)
    assert plots.color_for("leaky_relu (alpha=0.1)") == plots.COLORS["leaky_relu"]
    assert plots.color_for("ReLU, he_normal") == plots.COLORS["relu"]
    assert plots.color_for("my own") is None


def test_layer_and_epoch_axes_have_integer_ticks():
    ax = plots.plot_layer_values({"relu": [1.0, 0.5, 0.25]})
    assert all(float(t).is_integer() for t in ax.get_xticks())


# --------------------------------------------------------------------------- gate explorer

def test_gate_figure_draws_the_unit_and_its_partials():
    for gate in widgets.GATES:
        for a in (1.0, -widgets.GATE_A_MAX, 0.5):
            fig = widgets.gate_figure(gate, a)
            ax_y, ax_d = fig.axes
            b, y = ax_y.lines[0].get_data()
            assert np.allclose(y, a * act.get(gate)(b))
            assert np.allclose(ax_d.lines[0].get_ydata(), act.get(gate)(b))  # dy/da
            assert np.allclose(ax_d.lines[1].get_ydata(), a * act.get(gate).derivative(b))  # dy/db
            assert widgets.GATES[gate] in ax_y.get_title()
            plt.close(fig)
    with pytest.raises(ValueError, match="gate_figure: gate"):
        widgets.gate_figure("tanh")


def test_gate_figure_redraw_reuses_the_figure_and_matches_a_new_one():
    fig = widgets.gate_figure("silu", 1.0)
    again = widgets.gate_figure("gelu", -2.0, fig=fig)
    assert again is fig and len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 3  # y, phi, the zero line
    new = widgets.gate_figure("gelu", -2.0)
    assert np.array_equal(pixels(again), pixels(new))
    plt.close(fig)
    plt.close(new)


def test_gate_explorer_moves_and_alt_text():
    box = widgets.gate_explorer()
    choice, value = box.children[0].children
    before = box._redraw.fig.axes[0].lines[0].get_ydata().copy()
    choice.value = "relu"
    value.value = -2.0
    after = box._redraw.fig.axes[0].lines[0].get_ydata()
    assert not np.allclose(before, after) and after.max() == 0  # -2 relu(b) <= 0
    data, metadata = box.picture()
    assert "ReGLU" in data["text/plain"] and "a = -2" in data["text/plain"]
    assert metadata["image/png"]["alt"] == data["text/plain"]
# --------------------------------------------------------------------------- blocks (lesson 09)

BLOCK_SETTINGS = [
    {"block": "plain", "activation": "relu", "depth": 50},
    {"block": "layer norm", "activation": "relu", "depth": 50},
    {"block": "pre-norm residual", "activation": "gelu", "depth": 50},
    {"block": "plain", "activation": "swiglu", "depth": 50},  # overflows: lines at the edge
    {"block": "RMS norm", "activation": "swiglu", "depth": 2},
    {"block": "pre-norm residual", "activation": "sigmoid", "depth": 17},
]


def test_block_figure_redraws_like_a_new_one():
    fig, last, reused = None, None, 0
    for kwargs in BLOCK_SETTINGS:
        redrawn = widgets.block_figure(**kwargs, fig=fig)
        reused += redrawn is fig
        fig = redrawn
        assert len(fig.axes) == 3 and all(lines_are_finite(ax) for ax in fig.axes)
        fresh = widgets.block_figure(**kwargs)
        shown = pixels(fig)
        assert np.array_equal(shown, pixels(fresh)), kwargs
        plt.close(fresh)
        assert last is None or not np.array_equal(shown, last), kwargs
        last = shown
    assert reused == len(BLOCK_SETTINGS) - 1
    plt.close(fig)


def test_block_figure_shows_the_measures_of_block_propagation():
    fig = widgets.block_figure("pre-norm residual", "relu", 30)
    p = act.blocks.cached_block_propagation("residual", "relu", 30, 64, n=128, seed=0)
    (pooled, unit), (corr,), (back,) = (ax.get_lines() for ax in fig.axes)
    assert np.allclose(pooled.get_ydata(), p.forward_std)
    assert np.allclose(unit.get_ydata(), p.unit_std)
    assert np.allclose(corr.get_ydata(), p.correlation)
    assert np.allclose(back.get_ydata(), p.backward_std)
    assert "30 pre-norm residual blocks, relu" in fig._suptitle.get_text()
    plt.close(fig)


def test_block_signal_widget_moves_warms_and_describes(monkeypatch):
    shown = []
    monkeypatch.setattr(widgets.box, "_show", lambda fig: shown.append(widgets.render_png(fig)))
    act.blocks.clear_cache()
    box = widgets.block_signal()
    (block, activation), depth = box.children[0].children, box.children[1]
    # after the first picture every block at this activation and depth is ready
    before = act.blocks._cached.cache_info()
    block.value = "RMS norm"
    assert act.blocks._cached.cache_info().misses == before.misses
    activation.value = "swiglu"
    depth.value = 2
    assert len(shown) == 4 and len(set(shown)) == 4
    data, metadata = box.picture()
    alt = metadata["image/png"]["alt"]
    assert "2 RMS norm blocks with swiglu" in alt and data["text/plain"] == alt


# --------------------------------------------------------------------------- explorer choices

def test_explorer_offers_every_elementwise_activation_and_draws_each():
    assert set(act.ELEMENTWISE_NAMES) <= set(widgets.EXPLORER_NAMES)
    assert widgets.EXPLORER_NAMES[:len(act.NAMES)] == act.NAMES  # the lessons' order first
    assert not set(act.GATED_NAMES) & set(widgets.EXPLORER_NAMES)
    for name in ("relu6", "hard_sigmoid", "hard_silu", "squared_relu"):
        fig = widgets.explorer_figure(name)
        assert np.allclose(fig.axes[0].lines[0].get_ydata(),
                           act.get(name)(fig.axes[0].lines[0].get_xdata()))
        plt.close(fig)


def test_explorer_draws_the_compared_activation_in_its_own_colour():
    fig = widgets.explorer_figure("relu", compare="leaky_relu")
    colours = {line.get_color() for line in fig.axes[0].lines}
    assert {plots.color_for("relu"), plots.color_for("leaky_relu")} <= colours
    plt.close(fig)
    fig = widgets.explorer_figure("relu", compare="relu")  # the same colour twice: one is grey
    assert {plots.color_for("relu"), "0.25"} <= {line.get_color() for line in fig.axes[0].lines}
    plt.close(fig)


# --------------------------------------------------------------------------- criticality (03)

CRITICALITY_SETTINGS = [
    {"sigma_w": 1.0, "sigma_b": 0.0, "depth": 50}, {"sigma_w": 1.0, "sigma_b": 0.0, "depth": 55},
    {"sigma_w": 1.3, "sigma_b": 0.2, "depth": 50}, {"sigma_w": 3.0, "sigma_b": 1.0, "depth": 100},
    {"sigma_w": 0.5, "sigma_b": 0.0, "depth": 100},
    {"sigma_w": 1.5925, "sigma_b": 0.0, "depth": 10}, {"sigma_w": 0.5, "sigma_b": 1.0, "depth": 10}]


def test_criticality_figure_redrawn_is_drawn_afresh():
    """Every redraw (the diagram kept as pixels from the first call on) gives the pixels of
    a figure drawn from scratch, and a new picture for every setting."""
    fig, last = None, None
    for kwargs in CRITICALITY_SETTINGS:
        fig = widgets.criticality_figure(**kwargs, fig=fig)
        shown = pixels(fig)
        fresh = widgets.criticality_figure(**kwargs)
        assert np.array_equal(shown, pixels(fresh)), kwargs
        plt.close(fresh)
        assert last is None or not np.array_equal(shown, last), kwargs
        last = shown
    assert "pixels" in fig._criticality and not fig._criticality["diagram"].get_visible()
    plt.close(fig)


def test_criticality_figure_shows_the_recursions():
    from actlib import variance

    fig = widgets.criticality_figure(1.3042, 0.2, depth=40)
    q_line, back_line, c_line = fig._criticality["lines"]
    lay = variance.mean_field_layers("tanh", 1.3042, 0.2, depth=40)
    np.testing.assert_allclose(q_line.get_ydata(), lay.q)
    np.testing.assert_allclose(c_line.get_ydata(), lay.c)
    np.testing.assert_allclose(back_line.get_ydata(), lay.backward_std)
    assert list(c_line.get_xdata()) == list(range(1, 41))
    cross = fig._criticality["cross"]
    assert (cross.get_xdata()[0], cross.get_ydata()[0]) == (1.3042, 0.2)
    title = fig._suptitle.get_text()
    assert "σ_w = 1.3" in title and "χ₁ = 1.000" in title
    # the diagram: blue (ordered) left of the critical line, red (chaotic) right of it
    chi, line = widgets._phase_grid()
    assert line[0] == pytest.approx(1.0, abs=1e-6) and line[4] == pytest.approx(1.3042, abs=1e-3)
    assert np.all(np.diff(line) > 0)
    below = widgets.PHASE_SIGMA_W[None, :] < line[:, None]
    assert np.all(chi[below] < 1 + 1e-9) and np.all(chi[~below] > 1 - 1e-9)
    plt.close(fig)


def test_criticality_alt_text_and_bad_input():
    alt = widgets.criticality_alt(1.5925, 0.0, 30)
    assert "chaotic phase (chi_1 = 1.178)" in alt and "30 layers" in alt
    assert act.plots.check_alt(alt)
    assert "ordered phase" in widgets.criticality_alt(0.8, 0.3, 20)
    for bad in ({"sigma_w": 0.0}, {"sigma_b": -1.0}, {"depth": 1}, {"sigma_w": True},
                {"depth": 10.5}):
        name = next(iter(bad))
        with pytest.raises(ValueError, match=f"criticality_figure: {name}"):
            widgets.criticality_figure(**bad)


def test_criticality_widget_redraws_and_describes_itself(monkeypatch):
    shown = []
    monkeypatch.setattr(widgets.box, "_show", lambda fig: shown.append(widgets.render_png(fig)))
    box = widgets.criticality()
    sigma_w, sigma_b, depth = box.children[0].children
    sigma_w.value = 1.3
    sigma_b.value = 0.2
    depth.value = widgets.CRITICALITY_MAX_DEPTH
    assert len(shown) == 4 and len(set(shown)) == 4
    data, metadata = box.picture()
    assert "sigma_w = 1.3, sigma_b = 0.2" in metadata["image/png"]["alt"]
    assert f"over {widgets.CRITICALITY_MAX_DEPTH} layers" in data["text/plain"]
