"""The club counts what its bus does, and its relay what it sends."""

from datetime import timedelta

from prometheus_client import REGISTRY, generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.orm import outbox
from reading_club.bootstrap import bootstrap
from reading_club.domain.model import Book
from tests.metrics import Samples, samples, value
from tests.reading_club.books import ONE_BOOK
from tests.reading_club.outbox import drain
from tests.reading_club.web import DOMAIN_DRIVEN_DESIGN_BODY, client_of, club_settings
from tests.streams import FlakyEventstreamTransport, InMemoryEventstreamTransport
from transactional_outbox.relay import OutboxRelay


def scrape_bus() -> Samples:
    """What the bus of this process has counted, in prometheus_client's registry."""
    return samples(generate_latest(REGISTRY).decode())


def scrape_relay(relay: OutboxRelay) -> Samples:
    """What a relay has counted, as its process serves it to Prometheus."""
    return samples(generate_latest(relay.metrics.registry).decode())


def increase(before: Samples, after: Samples, series: str, **labels: str) -> float:
    """How much a series grew between two scrapes.

    The counters belong to the process, and other tests count too: a test
    compares what it reads before and after. A series with labels appears
    once it is first counted: before that, it is 0.
    """
    key = (series, frozenset(labels.items()))
    return value(after, series, **labels) - before.get(key, 0.0)


async def test_the_api_counts_registrations_and_refusals(
    engine: AsyncEngine, transport: InMemoryEventstreamTransport
) -> None:
    club = bootstrap(club_settings(), engine=engine, transport=transport)

    async with client_of(club) as client:
        before = scrape_bus()
        registered = await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY)
        refused = await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY)
        # Served on a port of its own, never to the API's clients.
        assert (await client.get("/metrics")).status_code == 404
    after = scrape_bus()

    assert (registered.status_code, refused.status_code) == (201, 409)
    started = "messagebus_transactions_started_total"
    assert increase(before, after, started) == 2
    closed = "messagebus_transactions_closed_total"
    assert increase(before, after, closed, status="committed") == 1
    assert increase(before, after, closed, status="rolledback") == 1
    assert increase(before, after, "messagebus_transactions_failed_total") == 0
    assert increase(before, after, "messagebus_transactions_in_progress") == 0
    handled = "messagebus_messages_processed_total"
    assert increase(before, after, handled, name="register_book", version="2") == 2
    assert increase(before, after, handled, name="book_registered", version="2") == 1
    # A histogram's _count is the number of observations: of commands here.
    timed = "messagebus_command_processing_seconds_count"
    assert increase(before, after, timed, name="register_book", version="2") == 2
    # What the relay counts is served by the relay's process, not here.
    assert not [name for name, _ in after if name.startswith("outbox_relay_")]


@ONE_BOOK
async def test_the_relay_counts_what_it_sends_and_what_fails(
    books: list[Book], engine: AsyncEngine
) -> None:
    relay = OutboxRelay(
        engine, outbox, FlakyEventstreamTransport(failures=1), backoff=timedelta(0)
    )

    await drain(relay)

    scraped = scrape_relay(relay)
    assert value(scraped, "outbox_relay_sent_total", outbox="outbox") == 1
    assert value(scraped, "outbox_relay_failed_total", outbox="outbox") == 1
    assert value(scraped, "outbox_relay_dead_total", outbox="outbox") == 0


@ONE_BOOK
async def test_the_relay_counts_what_it_parks_as_dead(
    books: list[Book], engine: AsyncEngine
) -> None:
    relay = OutboxRelay(
        engine, outbox, FlakyEventstreamTransport(failures=1), max_attempts=1
    )

    await drain(relay)

    scraped = scrape_relay(relay)
    assert value(scraped, "outbox_relay_sent_total", outbox="outbox") == 0
    assert value(scraped, "outbox_relay_failed_total", outbox="outbox") == 1
    assert value(scraped, "outbox_relay_dead_total", outbox="outbox") == 1


@ONE_BOOK
async def test_the_relay_measures_how_far_behind_the_stream_is(
    books: list[Book], engine: AsyncEngine
) -> None:
    relay = OutboxRelay(
        engine, outbox, FlakyEventstreamTransport(failures=1), backoff=timedelta(0)
    )
    oldest_pending = "outbox_relay_oldest_pending_seconds"

    await relay.send_pending()
    waited = value(scrape_relay(relay), oldest_pending, outbox="outbox")
    await relay.send_pending()

    # The book's event waited from its registration to the failed attempt.
    assert 0 < waited < 60
    assert value(scrape_relay(relay), oldest_pending, outbox="outbox") == 0
