"""What the reviews service reads from the stream, in the tests of every tier."""

import json
from uuid import UUID

from lastuuid.dummies import uuidgen

# Envelopes of the stream, as the reading club publishes them: version 2
# since chapter 17, and version 1 before, that may still wait in a queue.
DOMAIN_DRIVEN_DESIGN_REGISTERED = {
    "id": "0190f3e4-8a4b-7c1e-9a7e-3f5b2c1d0e02",
    "created_at": "2026-11-29T09:00:00+00:00",
    "type": "book_registered_v2",
    "payload": (
        '{"id":"00000001-0000-0000-0000-000000000000",'
        '"isbn":"9780321125217",'
        '"title":"Domain Driven Design",'
        '"authors":["Eric Evans"]}'
    ),
}
DOMAIN_DRIVEN_DESIGN_REGISTERED_V1 = {
    "id": "0190f3e4-8a4b-7c1e-9a7e-3f5b2c1d0e01",
    "created_at": "2026-11-29T09:00:00+00:00",
    "type": "book_registered_v1",
    "payload": (
        '{"id":"00000001-0000-0000-0000-000000000000",'
        '"isbn":"9780321125217",'
        '"title":"Domain Driven Design",'
        '"author":"Eric Evans"}'
    ),
}

DOMAIN_DRIVEN_DESIGN_ID = UUID("00000001-0000-0000-0000-000000000000")


def registered(number: int, envelope: dict[str, str]) -> dict[str, str]:
    """The envelope of book ``number`` that the club registered: "Book 1"..."""
    return {
        **envelope,
        "id": str(uuidgen(100 + number)),
        "payload": json.dumps(
            {
                "id": str(uuidgen(number)),
                "isbn": "9780321125217",
                "title": f"Book {number}",
                "authors": ["Eric Evans"],
            }
        ),
    }
