import pytest
from lastuuid.dummies import uuidgen
from pydantic import ValidationError

from reading_club.domain.messages import RegisterBook, RegisterBookV2
from reading_club.domain.model import Book


def test_book_equality() -> None:
    book = Book(
        id=uuidgen(1),
        title="Domain Driven Design",
        authors=["Eric Evans"],
        isbn="0-321-12521-5",
    )
    assert book == Book(
        id=uuidgen(1),
        title="Domain Driven Design",
        authors=["Eric Evans"],
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


def test_register_book_v2_metadata() -> None:
    command = RegisterBookV2(
        id=uuidgen(2),
        title="Architecture Patterns with Python",
        authors=["Harry Percival", "Bob Gregory"],
        isbn="978-1-492-05220-3",
    )
    assert command.metadata.name == "register_book"
    assert command.metadata.schema_version == 2


def test_a_book_has_at_least_one_author() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        RegisterBookV2(title="Domain Driven Design", authors=[], isbn="0-321-12521-5")


def test_register_book_ids_are_generated() -> None:
    first = RegisterBook(
        title="Domain Driven Design", author="Eric Evans", isbn="0-321-12521-5"
    )
    second = RegisterBook(
        title="Domain Driven Design", author="Eric Evans", isbn="0-321-12521-5"
    )
    assert first.id != second.id
    assert first.message_id != second.message_id


def test_every_spelling_of_an_isbn_is_the_same_isbn() -> None:
    spellings = ["0321125215", "0-321-12521-5", "978-0-321-12521-7"]
    commands = [
        RegisterBook(title="Domain Driven Design", author="Eric Evans", isbn=isbn)
        for isbn in spellings
    ]
    assert [command.isbn for command in commands] == ["9780321125217"] * 3


def test_an_isbn_with_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(ValidationError, match="wrong check digit"):
        RegisterBook(
            title="Architecture Patterns with Python",
            author="Harry Percival and Bob Gregory",
            isbn="978-1-4920-5229-9",
        )
