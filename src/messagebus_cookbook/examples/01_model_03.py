from lastuuid.dummies import uuidgen

from reading_club.domain.messages import RegisterBook
from reading_club.domain.model import Book


def test_book_equality() -> None:
    book = Book(
        id=uuidgen(1),
        title="Domain Driven Design",
        author="Eric Evans",
        isbn="0-321-12521-5",
    )
    assert book == Book(
        id=uuidgen(1),
        title="Domain Driven Design",
        author="Eric Evans",
        isbn="0-321-12521-5",
    )
    assert book != book.model_copy(update={"title": "Domain-Driven Design"})


def test_register_book_metadata() -> None:
    command = RegisterBook(
        id=uuidgen(1),
        title="Domain Driven Design",
        author="Eric Evans",
        isbn="0-321-12521-5",
    )
    assert command.metadata.name == "register_book"
    assert command.metadata.schema_version == 1
    assert command.metadata.published is False


def test_register_book_ids_are_generated() -> None:
    first = RegisterBook(
        title="Domain Driven Design", author="Eric Evans", isbn="0-321-12521-5"
    )
    second = RegisterBook(
        title="Domain Driven Design", author="Eric Evans", isbn="0-321-12521-5"
    )
    assert first.id != second.id
    assert first.message_id != second.message_id
