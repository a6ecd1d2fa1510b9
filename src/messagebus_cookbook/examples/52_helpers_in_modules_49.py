"""One trace, from the POST of a book to its effect in the reviews service."""

from pathlib import Path

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode

from reading_club.adapters import orm as club_orm
from reading_club.bootstrap import bootstrap
from reviews.adapters import orm as reviews_orm
from tests.reading_club.outbox import drain
from tests.reading_club.web import DOMAIN_DRIVEN_DESIGN_BODY, client_of, club_settings
from tests.reviews.processes import reviews_worker
from tests.spans import KeptSpans, ancestry

# Seconds for the envelope to reach the reviews service's worker.
DELIVERY_TIMEOUT = 15


async def test_one_trace_links_a_registration_to_its_effect_in_the_reviews(
    tmp_path: Path, broker_url: str, traced: KeptSpans, spans: list[ReadableSpan]
) -> None:
    club_engine = club_orm.create_engine(f"sqlite+aiosqlite:///{tmp_path}/club.db")
    async with club_engine.begin() as connection:
        await connection.run_sync(club_orm.metadata.create_all)
    reviews_url = f"sqlite+aiosqlite:///{tmp_path}/reviews.db"
    reviews_engine = reviews_orm.create_engine(reviews_url)
    async with reviews_engine.begin() as connection:
        await connection.run_sync(reviews_orm.metadata.create_all)
    await reviews_engine.dispose()
    club = bootstrap(club_settings(broker_url=broker_url), engine=club_engine)

    with reviews_worker(reviews_url, broker_url):
        async with client_of(club) as client:
            response = await client.post("/books", json=DOMAIN_DRIVEN_DESIGN_BODY)
        assert response.status_code == 201, response.text
        await drain(club.relay())
        handled = traced.wait_for("handle book_registered_v2", DELIVERY_TIMEOUT)
    await club.close()

    # The worker's handling joins the trace its envelope carries, from the
    # span that wrote the envelope, as the relay's send does.
    assert ancestry(handled, spans) == [
        "handle book_registered_v2",
        "outbox add book_registered_v2",
        "handle register_book",
        "POST /books",
    ]
    [sent] = [span for span in spans if span.name == "send book_registered_v2"]
    assert ancestry(sent, spans)[1:] == ancestry(handled, spans)[1:]
    assert (sent.kind, handled.kind) == (SpanKind.PRODUCER, SpanKind.CONSUMER)
    assert sent.status.status_code is not StatusCode.ERROR
