"""Small cells (1-10) are never shown beyond the practice, nor derivable from what is shown."""

import pytest

from medhome.measures.suppression import Cell, needs_suppression, suppress_rows, suppress_total


def cell(key, numerator, denominator):
    return Cell(key, key, numerator, denominator)


@pytest.mark.parametrize(
    ("numerator", "denominator", "hidden"),
    [
        (0, 0, False),  # nothing to hide
        (0, 11, False),  # 0 may be shown; 11 not met is not small
        (0, 10, True),  # 10 eligible
        (1, 40, True),  # 1 met
        (10, 40, True),  # 10 met
        (11, 40, False),
        (11, 11, False),  # 0 not met
        (30, 40, True),  # 10 not met: the rate would give it away
        (29, 40, False),  # 11 not met
        (40, 40, False),
        (11, 21, True),  # 10 not met
        (11, 22, False),
    ],
)
def test_primary_suppression_at_every_edge(numerator, denominator, hidden):
    assert needs_suppression(cell("x", numerator, denominator)) is hidden
    assert suppress_total(cell("x", numerator, denominator)).hidden is hidden


def test_hidden_cell_shows_nothing():
    shown = suppress_total(cell("x", 5, 40))
    assert (shown.shown_numerator, shown.shown_denominator, shown.shown_rate) == (None, None, None)
    visible = suppress_total(cell("x", 20, 40))
    assert (visible.shown_numerator, visible.shown_denominator, visible.shown_rate) == (20, 40, 0.5)


def test_one_hidden_row_hides_the_next_smallest_for_exclusive_rows():
    rows = [cell("a", 50, 100), cell("b", 30, 60), cell("c", 20, 40), cell("d", 3, 20)]
    result = {row.key: row.hidden for row in suppress_rows(rows, exclusive=True)}
    # d alone would be total - (a + b + c): c, the next smallest, is hidden with it.
    assert result == {"a": False, "b": False, "c": True, "d": True}


def test_two_hidden_rows_need_no_complement():
    rows = [cell("a", 50, 100), cell("b", 5, 60), cell("c", 2, 40)]
    result = {row.key: row.hidden for row in suppress_rows(rows, exclusive=True)}
    assert result == {"a": False, "b": True, "c": True}


def test_nothing_hidden_stays_as_is():
    rows = [cell("a", 50, 100), cell("b", 30, 60), cell("c", 0, 0)]
    assert not any(row.hidden for row in suppress_rows(rows, exclusive=True))


def test_overlapping_rows_get_no_complement():
    rows = [cell("a", 50, 100), cell("b", 30, 60), cell("d", 3, 20)]
    result = {row.key: row.hidden for row in suppress_rows(rows, exclusive=False)}
    assert result == {"a": False, "b": False, "d": True}


def test_complement_may_hide_a_zero_row_when_it_is_the_smallest():
    rows = [cell("a", 50, 100), cell("z", 0, 0), cell("d", 4, 30)]
    result = {row.key: row.hidden for row in suppress_rows(rows, exclusive=True)}
    assert result == {"a": False, "z": True, "d": True}
