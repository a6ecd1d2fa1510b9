"""Command line: ``python -m messagebus_cookbook export 3 DIR`` and friends."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from messagebus_cookbook.chapters import Book
from messagebus_cookbook.reader_project import export

ROOT = Path(__file__).resolve().parents[2]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m messagebus_cookbook")
    commands = parser.add_subparsers(dest="command", required=True)

    export_parser = commands.add_parser(
        "export", help="write the reader's project as it stands after a chapter"
    )
    export_parser.add_argument("chapter", type=int)
    export_parser.add_argument("destination", type=Path)

    history_parser = commands.add_parser(
        "history", help="list every version of a reader file, or diff two of them"
    )
    history_parser.add_argument("caption", help="e.g. tests/conftest.py")
    history_parser.add_argument(
        "--diff",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="example file names of two versions, e.g. 03_unit_of_work_02.py",
    )

    commands.add_parser("chapters", help="list the chapters and their steps")

    highlights_parser = commands.add_parser(
        "highlights",
        help="list the :emphasize-lines: that do not mark what changed",
    )
    highlights_parser.add_argument(
        "--write", action="store_true", help="write the right values into the chapters"
    )

    arguments = parser.parse_args(argv)
    book = Book(ROOT)
    if arguments.command == "export":
        if arguments.destination.exists() and any(arguments.destination.iterdir()):
            parser.error(f"{arguments.destination} is not empty")
        written = export(book, arguments.chapter, arguments.destination)
        print(f"wrote {len(written)} files into {arguments.destination}:")
        print("\n".join(f"  {caption}" for caption in written))
        print("install it with: python -m pip install -e '.[dev]'")
    elif arguments.command == "history":
        versions = book.history(arguments.caption)
        if not versions:
            parser.error(f"no chapter writes {arguments.caption}")
        if arguments.diff is None:
            for version in versions:
                print(f"{version.example.name}  ({version.location})")
        else:
            by_name = {version.example.name: version for version in versions}
            old, new = (by_name.get(name) for name in arguments.diff)
            if old is None or new is None:
                parser.error(f"known versions: {', '.join(by_name)}")
            sys.stdout.writelines(
                difflib.unified_diff(
                    old.text.splitlines(keepends=True),
                    new.text.splitlines(keepends=True),
                    f"{arguments.caption} ({old.example.name})",
                    f"{arguments.caption} ({new.example.name})",
                )
            )
    elif arguments.command == "highlights":
        # Here only: it reads files as Sphinx does, and export needs no Sphinx.
        from messagebus_cookbook.highlight_fixes import (
            rewrite_highlights,
            wrong_highlights,
        )

        fixes = wrong_highlights(book)
        for fix in fixes:
            print(fix)
        if arguments.write:
            for path in rewrite_highlights(fixes):
                print(f"rewrote {path.relative_to(book.root)}")
            return 0
        if fixes:
            print("write them with: python -m messagebus_cookbook highlights --write")
        return 1 if fixes else 0
    else:
        for chapter in book.chapters:
            print(f"{chapter.path.name}")
            for step in chapter.steps:
                print(f"  {step}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
