from pathlib import Path

import pytest

from messagebus_cookbook.highlights import (
    changed_lines,
    declared_highlights,
    displayed_part,
    expected_highlights,
    format_spec,
)

MODULE = '''"""Books."""


class Book:
    title: str


def register(book: Book) -> None:
    print(book.title)
'''


def test_a_first_version_has_no_change() -> None:
    assert changed_lines(None, MODULE) == set()


def test_added_and_rewritten_lines_are_changed() -> None:
    current = MODULE.replace("    title: str\n", "    title: str\n    isbn: str\n")
    current = current.replace("print(book.title)", "print(book.isbn)")
    assert changed_lines(MODULE, current) == {6, 10}


def test_blank_lines_around_a_change_are_not_highlighted() -> None:
    current = MODULE + "\n\ndef unregister(book: Book) -> None:\n    pass\n"
    assert changed_lines(MODULE, current) == {12, 13}


def test_highlights_count_from_the_first_shown_line(tmp_path: Path) -> None:
    example = tmp_path / "01_books_01.py"
    example.write_text(MODULE)
    part = displayed_part(example, {"pyobject": "register"})
    assert part.first_line == 8
    assert expected_highlights({2, 9}, part) == [2]


def test_markers_choose_the_shown_part(tmp_path: Path) -> None:
    example = tmp_path / "01_books_01.py"
    example.write_text(MODULE)
    part = displayed_part(example, {"start-after": '"""Books."""', "end-before": "def"})
    assert part.first_line == 2
    assert part.lines[2] == "class Book:"


def test_a_missing_object_is_an_error(tmp_path: Path) -> None:
    example = tmp_path / "01_books_01.py"
    example.write_text(MODULE)
    with pytest.raises(ValueError, match="'Review' not found"):
        displayed_part(example, {"pyobject": "Review"})


@pytest.mark.parametrize(
    ("spec", "lines"),
    [(None, []), ("", []), ("3", [3]), ("1-3,7", [1, 2, 3, 7]), ("5-", [5, 6])],
)
def test_declared_highlights(spec: str | None, lines: list[int]) -> None:
    assert declared_highlights(spec, 6) == lines


def test_format_spec_is_the_shortest() -> None:
    assert format_spec([7, 1, 2, 3, 9, 10]) == "1-3,7,9-10"
    assert format_spec([]) == ""
