"""The reader's project tree at the end of a chapter, and what the chapter did.

Every file the reader has after chapter ``N`` (the files of that chapter's
download), each marked ``new`` when chapter ``N`` adds it, ``moved`` when
the chapter moves it there with ``mv``, and ``changed`` when the chapter
leaves it different from how the reader had it before.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from messagebus_cookbook.chapters import Book, Move


class Status(enum.Enum):
    NEW = "new"
    MOVED = "moved"
    CHANGED = "changed"


@dataclass
class Folder:
    """A folder of the reader's project: sub-folders and files by name."""

    name: str
    folders: dict[str, Folder] = field(default_factory=dict)
    files: dict[str, Status | None] = field(default_factory=dict)


def statuses(book: Book, number: int) -> dict[str, Status | None]:
    """Each file after chapter ``number`` -> what that chapter did to it."""
    before = book.files_after(number - 1)
    after = book.files_after(number)
    # Where each file of the reader's was before the chapter, moves followed.
    origins = {path: path for path in before}
    for change in book.chapter(number).changes():
        if isinstance(change, Move):
            change.apply(origins)
        elif change[1] is None:
            origins.pop(change[0], None)
        else:
            origins.setdefault(change[0], change[0])
    found: dict[str, Status | None] = {}
    for path, include in after.items():
        origin = origins.get(path, path)
        if origin not in before:
            found[path] = Status.NEW
        elif origin != path:
            found[path] = Status.MOVED
        elif before[path].example != include.example and (
            before[path].text != include.text
        ):
            found[path] = Status.CHANGED
        else:
            found[path] = None
    return found


def build_tree(files: Mapping[str, Status | None], name: str) -> Folder:
    """The folder ``name`` holding ``files`` (path with ``/`` -> status)."""
    root = Folder(name)
    for path, status in files.items():
        *folders, file_name = path.split("/")
        folder = root
        for part in folders:
            folder = folder.folders.setdefault(part, Folder(part))
        folder.files[file_name] = status
    return root
