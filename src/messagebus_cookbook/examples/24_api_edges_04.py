"""Text a client sends: on one line where one is meant, and storable.

Use them with the bounds of each field::

    Title = Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
        OneLine,
    ]

pydantic already refuses a lone surrogate (half a character, which JSON can
spell as ``"\\ud800"``); PostgreSQL refuses NUL, with a 500 if nothing stops
it here.
"""

import unicodedata

from pydantic import AfterValidator


def _refuse_control_characters(value: str, allowed: str) -> str:
    for character in value:
        if unicodedata.category(character) == "Cc" and character not in allowed:
            raise ValueError(f"control character {character!r} is not allowed")
    return value


def one_line(value: str) -> str:
    """``value``, if it has no control character at all (NUL, newline, tab...)."""
    return _refuse_control_characters(value, allowed="")


def paragraphs(value: str) -> str:
    """``value``, if its only control characters are newlines and tabs."""
    return _refuse_control_characters(value, allowed="\n\r\t")


OneLine = AfterValidator(one_line)
Paragraphs = AfterValidator(paragraphs)
