"""The Keras experiments' name check: every elementwise activation may be a hidden layer's; the
gated units and maxout, which change a layer's width, are refused with a clear error."""

import pytest

import actlib as act
from actlib._settings import activation_param


@pytest.mark.parametrize("name", act.ELEMENTWISE_NAMES)
def test_every_elementwise_activation_is_accepted(name):
    assert activation_param("train", name).name == name


@pytest.mark.parametrize("name", act.GATED_NAMES + ("maxout",))
def test_width_changing_units_are_refused_by_name(name):
    with pytest.raises(ValueError, match=rf"train: name {name!r} is not elementwise"):
        activation_param("train", name)


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match="train: name 'relu7' is not an activation"):
        activation_param("train", "relu7")
