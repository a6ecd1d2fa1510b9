from messagebus_cookbook.folding import Fold, change_anchors, folds, format_folds
from messagebus_cookbook.highlights import changed_lines


def numbered(count: int, changed: dict[int, str] | None = None) -> str:
    """``count`` lines ``line 1``..., some of them replaced."""
    changed = changed or {}
    return "".join(f"{changed.get(n, f'line {n}')}\n" for n in range(1, count + 1))


def test_a_first_version_never_folds() -> None:
    assert folds(None, numbered(100)) == []


def test_a_file_where_nothing_changed_does_not_fold() -> None:
    assert folds(numbered(100), numbered(100)) == []


def test_runs_around_a_change_fold_and_the_context_stays() -> None:
    current = numbered(100, {50: "changed"})
    assert folds(numbered(100), current) == [Fold(1, 46), Fold(54, 100)]


def test_the_folds_leave_every_highlighted_line_in_view() -> None:
    previous = numbered(120)
    current = numbered(120, {10: "a", 11: "b", 70: "c", 119: "d"})
    found = folds(previous, current)
    hidden = {line for fold in found for line in range(fold.first, fold.last + 1)}
    assert changed_lines(previous, current) == {10, 11, 70, 119}
    assert hidden.isdisjoint(range(7, 15))
    assert hidden.isdisjoint(range(67, 74))
    assert hidden.isdisjoint(range(116, 121))
    assert found == [Fold(15, 66), Fold(74, 115)]


def test_a_short_run_stays_in_view() -> None:
    # Lines 1-6 (6 lines) and 14-20 (7 lines) are fewer than 8: in view.
    current = numbered(40, {10: "a", 24: "b"})
    assert folds(numbered(40), current) == [Fold(28, 40)]
    assert folds(numbered(40), current, min_folded=6) == [
        Fold(1, 6),
        Fold(14, 20),
        Fold(28, 40),
    ]


def test_the_context_is_a_setting() -> None:
    current = numbered(40, {20: "a"})
    assert folds(numbered(40), current, context=0, min_folded=1) == [
        Fold(1, 19),
        Fold(21, 40),
    ]


def test_a_deletion_keeps_its_neighbours_in_view() -> None:
    previous = numbered(60)
    current = "".join(
        f"line {n}\n" for n in range(1, 61) if n not in (30, 31)
    )  # lines 30-31 deleted: the new lines 29 and 30 stand on each side
    assert changed_lines(previous, current) == set()
    assert change_anchors(previous, current) == {29, 30}
    assert folds(previous, current) == [Fold(1, 25), Fold(34, 58)]


def test_folds_are_written_for_the_browser() -> None:
    assert format_folds([Fold(1, 25), Fold(34, 58)]) == "1-25,34-58"
    assert Fold(34, 58).size == 25
