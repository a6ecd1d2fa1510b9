"""The chapter model as the Sphinx build sees it: one ``Book`` per build."""

from __future__ import annotations

from pathlib import Path

from sphinx.environment import BuildEnvironment

from messagebus_cookbook.chapters import Book, Chapter, Include


def load_book(env: BuildEnvironment) -> Book:
    """Read the chapters afresh, for a new build."""
    book = Book(Path(env.srcdir))
    env.cookbook_book = book  # type: ignore[attr-defined]
    return book


def book_of(env: BuildEnvironment) -> Book:
    book: Book = env.cookbook_book  # type: ignore[attr-defined]
    return book


def docname_of(chapter: Chapter) -> str:
    return f"cookbook/{chapter.path.stem}"


def chapter_of(env: BuildEnvironment, docname: str) -> Chapter | None:
    """The chapter a document is, or ``None`` for the other pages."""
    for chapter in book_of(env).chapters:
        if docname == docname_of(chapter):
            return chapter
    return None


def include_at(env: BuildEnvironment, docname: str, line: int) -> Include | None:
    """The chapter model's include whose directive starts at ``line``."""
    chapter = chapter_of(env, docname)
    if chapter is None:
        return None
    return next((i for i in chapter.includes if i.location.line == line), None)
