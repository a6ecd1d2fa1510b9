"""The composition root: a test passes the pieces it replaces."""

import json

from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.bootstrap import bootstrap
from reading_club.domain.messages import RegisterBookV2
from reading_club.settings import Settings
from tests.reading_club.books import DOMAIN_DRIVEN_DESIGN
from tests.streams import InMemoryEventstreamTransport


async def test_the_relay_of_the_club_sends_what_its_bus_committed(
    engine: AsyncEngine, transport: InMemoryEventstreamTransport
) -> None:
    club = bootstrap(Settings(relay_batch_size=1), engine=engine, transport=transport)
    book = DOMAIN_DRIVEN_DESIGN
    command = RegisterBookV2(
        id=book.id, title=book.title, authors=book.authors, isbn=book.isbn
    )
    async with club.unit_of_work() as transaction:
        assert await club.bus.handle(command, transaction) == Ok(None)
        await transaction.commit()

    relay = club.relay()
    assert (relay.engine, relay.transport, relay.batch_size) == (engine, transport, 1)
    assert await relay.send_pending() == 1
    assert [json.loads(sent["payload"])["title"] for sent in transport.messages] == [
        "Domain Driven Design"
    ]
