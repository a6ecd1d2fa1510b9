"""The download of each chapter: the reader's project as a deterministic zip.

The zip of a chapter unpacks into ``reading-club/``, the folder the reader
works in from the first chapter to the last; its file name keeps the
chapter's number. The same files give the same bytes (sorted entries, fixed
times and permissions), so a build rewrites an archive only when its
content changed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

from messagebus_cookbook.chapters import Book, Chapter

TOP = "reading-club"
# Any fixed time: the zip format cannot store one before 1980.
TIMESTAMP = (2026, 1, 1, 0, 0, 0)
UNIX = 3


def archive_name(chapter: Chapter) -> str:
    return f"reading-club-after-chapter-{chapter.number:02d}.zip"


def archive_bytes(files: Mapping[str, str], top: str | None = TOP) -> bytes:
    """A zip of ``files`` (reader path -> text) under ``top``, or at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for caption in sorted(files):
            name = f"{top}/{caption}" if top else caption
            info = zipfile.ZipInfo(name, date_time=TIMESTAMP)
            info.create_system = UNIX
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[caption].encode("utf-8"), compresslevel=6)
    return buffer.getvalue()


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` at ``path`` unless the file already holds exactly that."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def project_files(book: Book, chapter: Chapter) -> dict[str, str]:
    """The reader's files after ``chapter``: reader path -> text."""
    return {
        caption: include.text
        for caption, include in book.files_after(chapter.number).items()
    }


def write_archive(book: Book, chapter: Chapter, destination: Path) -> Path:
    """The zip of the project after ``chapter`` in ``destination``, if changed."""
    path = destination / archive_name(chapter)
    write_if_changed(path, archive_bytes(project_files(book, chapter)))
    return path


def write_archives(book: Book, destination: Path) -> list[Path]:
    """Every chapter's zip in ``destination``; the ones rewritten."""
    rewritten: list[Path] = []
    for chapter in book.chapters:
        path = destination / archive_name(chapter)
        if write_if_changed(path, archive_bytes(project_files(book, chapter))):
            rewritten.append(path)
    return rewritten
