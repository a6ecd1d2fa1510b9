"""ISBNs: a book has one, however it is written."""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator


def _isbn10_check_digit(first_nine: str) -> str:
    total = sum(
        (10 - position) * int(digit) for position, digit in enumerate(first_nine)
    )
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _isbn13_check_digit(first_twelve: str) -> str:
    total = sum(
        (3 if position % 2 else 1) * int(digit)
        for position, digit in enumerate(first_twelve)
    )
    return str((10 - total % 10) % 10)


def normalize_isbn(value: str) -> str:
    """The ISBN-13 of ``value`` in digits, whatever hyphens or spaces it had.

    Raises ``ValueError`` for anything but a valid ISBN-10 or ISBN-13.
    """
    # NFKC makes full-width digits and hyphens ASCII; any digit that is still
    # not ASCII is refused: Arabic-Indic digits pass str.isdigit() and int().
    digits = unicodedata.normalize("NFKC", value)
    digits = digits.replace("-", "").replace(" ", "").upper()
    if not digits.isascii():
        raise ValueError(f"{value!r} is not an ISBN: it needs ASCII digits")
    if len(digits) == 10 and digits[:9].isdigit():
        if digits[9] != _isbn10_check_digit(digits[:9]):
            raise ValueError(f"{value!r} is not an ISBN: wrong check digit")
        digits = "978" + digits[:9]
        return digits + _isbn13_check_digit(digits)
    if len(digits) == 13 and digits.isdigit() and digits.startswith(("978", "979")):
        if digits[12] != _isbn13_check_digit(digits[:12]):
            raise ValueError(f"{value!r} is not an ISBN: wrong check digit")
        return digits
    raise ValueError(f"{value!r} is not an ISBN: it needs 10 or 13 digits")


Isbn = Annotated[str, AfterValidator(normalize_isbn)]
