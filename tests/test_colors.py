"""plots.COLORS: every activation has the collection's colour, from Paul Tol's discrete rainbow."""

import pytest

import actlib as act

plots = pytest.importorskip("actlib.plots")

# Paul Tol's discrete rainbow (https://personal.sron.nl/~pault/, fig. 22), without its palest
# tints, and its neutral grey
TOL_RAINBOW = {"#D1BBD7", "#AE76A3", "#882E72", "#1965B0", "#5289C7", "#7BAFDE", "#4EB265",
               "#90C987", "#CAE0AB", "#F7F056", "#F6C141", "#F1932D", "#E8601C", "#DC050C",
               "#BA8DB4", "#AA6F9E", "#994F88", "#437DBF", "#6195CF", "#F7CB45", "#F4A736",
               "#EE8026", "#E65518", "#A5170E", "#72190E", "#42150A", "#777777"}
# each new activation against the ones a figure draws it with
COMPANIONS = {"relu6": ("relu", "leaky_relu", "squared_relu"), "squared_relu": ("relu", "gelu"),
              "hard_sigmoid": ("sigmoid", "tanh"), "hard_silu": ("silu", "gelu", "mish"),
              "maxout": ("relu", "leaky_relu", "linear")}
# a lesson compares the gated units with each other and with the plain activations they replace
PLAIN = ("linear", "sigmoid", "relu", "gelu", "silu")


def test_every_name_and_alias_has_a_palette_colour():
    names = (*act.ALL_NAMES, "swish", "hard_swish")
    assert set(names) <= set(plots.COLORS)
    assert set(plots.COLORS.values()) <= TOL_RAINBOW
    assert plots.COLORS["hard_swish"] == plots.COLORS["hard_silu"]


def test_elementwise_colours_are_all_different():
    # softmax shares the sigmoid's (its two-class form is the sigmoid); the aliases their names'
    colours = [plots.COLORS[n] for n in act.ELEMENTWISE_NAMES]
    assert len(set(colours)) == len(colours)


@pytest.mark.parametrize("name", COMPANIONS)
def test_new_colours_differ_from_their_companions(name):
    for other in COMPANIONS[name]:
        assert plots.COLORS[name] != plots.COLORS[other], other


def test_color_for_finds_the_longest_matching_name():
    assert plots.color_for("relu6 (int8)") == plots.COLORS["relu6"] != plots.COLORS["relu"]
    assert plots.color_for("hard_swish") == plots.COLORS["hard_silu"]
    assert plots.color_for("Hard-SiLU") == plots.COLORS["hard_silu"]


def test_gated_colours_differ_from_each_other_and_the_plain_ones():
    colours = [plots.COLORS[n] for n in (*act.GATED_NAMES, *PLAIN)]
    assert len(set(colours)) == len(colours)
