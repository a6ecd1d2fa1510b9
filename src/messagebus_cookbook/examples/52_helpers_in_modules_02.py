"""The club's books, as its tests register them."""

import pytest
from lastuuid.dummies import uuidgen

from reading_club.domain.model import Book

DOMAIN_DRIVEN_DESIGN = Book(
    id=uuidgen(1),
    title="Domain Driven Design",
    authors=["Eric Evans"],
    isbn="0-321-12521-5",
)
ARCHITECTURE_PATTERNS_WITH_PYTHON = Book(
    id=uuidgen(2),
    title="Architecture Patterns with Python",
    authors=["Harry Percival", "Bob Gregory"],
    isbn="978-1-492-05220-3",
)

# Marks of a test that takes the books fixture: these books are registered.
ONE_BOOK = pytest.mark.parametrize(
    "books", [[DOMAIN_DRIVEN_DESIGN]], ids=["one book"], indirect=True
)
TWO_BOOKS = pytest.mark.parametrize(
    "books",
    [[DOMAIN_DRIVEN_DESIGN, ARCHITECTURE_PATTERNS_WITH_PYTHON]],
    ids=["two books"],
    indirect=True,
)
