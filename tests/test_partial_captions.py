from pathlib import Path

import pytest

from messagebus_cookbook.partial_captions import (
    marker_label,
    object_kind,
    part_label,
    part_suffix,
    shows_whole_file,
)

SOURCE = """
import pytest


class InMemoryBookRepository:
    def add(self) -> None: ...

    async def by_id(self) -> None: ...


@pytest.fixture
def bus() -> None: ...


async def handler() -> None: ...
"""


@pytest.mark.parametrize(
    ("dotted", "kind"),
    [
        ("InMemoryBookRepository", "class"),
        ("bus", "function"),
        ("handler", "function"),
        ("InMemoryBookRepository.add", "method"),
        ("InMemoryBookRepository.by_id", "method"),
        ("missing", None),
        ("bus.inner", None),
    ],
)
def test_the_kind_of_a_python_object(dotted: str, kind: str | None) -> None:
    assert object_kind(SOURCE, dotted) == kind


def test_the_kind_of_an_object_in_a_file_that_is_not_python() -> None:
    assert object_kind("[project]\nname = 'x'\n", "project") is None


@pytest.mark.parametrize(
    ("options", "label"),
    [
        ({"pyobject": "InMemoryBookRepository"}, "class InMemoryBookRepository only"),
        ({"pyobject": "bus"}, "function bus only"),
        ({"pyobject": "InMemoryBookRepository.add"}, "method "
         "InMemoryBookRepository.add only"),
        ({"start-after": "# [start relay]", "end-before": "# [end relay]"},
         "part “relay” only"),
        ({"start-after": "# start", "end-before": "# end"},
         "from just after “# start” to just before “# end”"),
        ({"start-at": "def main", "end-before": "# helpers"},
         "from “def main” to just before “# helpers”"),
        ({"start-at": "def main", "end-at": "return bus"},
         "from “def main” to “return bus”"),
        ({"start-after": "# settings"}, "from just after “# settings” to the end"),
        ({"end-at": "return bus"}, "from the start to “return bus”"),
        ({"end-before": "# helpers"}, "from the start to just before “# helpers”"),
        ({"lines": "1-3"}, "part only"),
        ({"caption": "tests/conftest.py", "emphasize-lines": "3"}, None),
    ],
)  # fmt: skip
def test_the_label_of_the_part_shown(options: dict[str, str], label: str) -> None:
    assert part_label(options, SOURCE) == label


def test_without_the_source_a_pyobject_is_named_only() -> None:
    assert part_label({"pyobject": "bus"}) == "bus only"


def test_the_suffix_reads_the_example_file(tmp_path: Path) -> None:
    example = tmp_path / "02_repository_04.py"
    example.write_text(SOURCE)
    assert (
        part_suffix({"pyobject": "InMemoryBookRepository"}, example)
        == " — class InMemoryBookRepository only"
    )
    assert part_suffix({"caption": "tests/conftest.py"}, example) is None


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        ("# [start relay]", "# [end relay]", "relay"),
        ("# --- begin: settings ---", "# --- end: settings ---", "settings"),
        ("# start", "# end", None),
        ("# start relay", "# end worker", None),
    ],
)
def test_a_label_two_markers_share(start: str, end: str, label: str | None) -> None:
    assert marker_label(start, end) == label


@pytest.mark.parametrize(
    ("options", "whole"),
    [
        ({"caption": "a.py", "emphasize-lines": "1"}, True),
        ({"pyobject": "A"}, False),
        ({"start-after": "# x"}, False),
        ({"end-before": "# x"}, False),
        ({"prepend": "# x"}, False),
        ({"lines": "1-3"}, False),
    ],
)
def test_which_includes_show_the_whole_file(
    options: dict[str, str], whole: bool
) -> None:
    assert shows_whole_file(options) is whole
