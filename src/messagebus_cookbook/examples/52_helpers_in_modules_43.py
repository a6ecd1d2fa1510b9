"""The club's stream, as the reviews service knows it: the tests publish on it.

The reviews service knows the club by the names of its stream, not by its
code: its tests send envelopes with the names its worker subscribes to.
"""

from celery import Celery

from reviews.entrypoints.worker import STREAM_EXCHANGE, STREAM_TASK
from transactional_outbox import stream

CLUB_STREAM = stream.Stream(STREAM_TASK, STREAM_EXCHANGE)


def create_club_app(broker_url: str, send_timeout: float = 5.0) -> Celery:
    """A Celery app that sends on the club's stream, as the club's relay does."""
    return stream.create_celery_app(
        "reading_club", CLUB_STREAM, broker_url, send_timeout
    )


async def publish(broker_url: str, envelope: dict[str, str]) -> None:
    """Send an envelope to the club's stream, as the club's relay does."""
    transport = stream.CeleryTransport(create_club_app(broker_url), STREAM_TASK)
    await transport.send_message_serialized(envelope)


def create_club_transport(app: Celery) -> stream.CeleryBatchTransport:
    """The transport that sends the club's stream in batches, as its relay does."""
    return stream.CeleryBatchTransport(app, STREAM_TASK)
