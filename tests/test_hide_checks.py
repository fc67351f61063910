"""scripts/hide_checks.py: a lesson's asserts move into a collapsed check cell after their cell,
and nothing else moves."""

from scripts.hide_checks import CHECK_HEADER, hide_checks, is_check, split_cell


def code(src):
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
            "source": src}


def test_split_moves_top_level_asserts_and_assert_only_loops():
    src = ("x = 2\nprint(x)\nassert x > 1, (\n    'x is small')\n"
           "for k in (1, 2):\n    assert k < 3\ny = x + 1")
    keep, checks = split_cell(src)
    assert keep == "x = 2\nprint(x)\ny = x + 1"
    assert checks == "assert x > 1, (\n    'x is small')\nfor k in (1, 2):\n    assert k < 3"


def test_split_leaves_loops_that_also_print_and_broken_code():
    src = "for k in (1, 2):\n    print(k)\n    assert k < 3"
    assert split_cell(src) == (src, "")
    assert split_cell("def f(:\n    assert 1") == ("def f(:\n    assert 1", "")


def test_hide_checks_inserts_one_check_cell_and_is_idempotent():
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "claim"},
             code("v = 1\nassert v == 1"), code("assert v > 0")]
    assert hide_checks(cells) == 2
    assert [is_check(c) for c in cells] == [False, False, True, True]
    assert cells[1]["source"] == "v = 1"
    assert cells[2]["source"] == CHECK_HEADER + "assert v == 1"
    assert cells[2]["metadata"]["jupyter"] == {"source_hidden": True}
    before = [dict(c) for c in cells]
    assert hide_checks(cells) == 0 and cells == before
