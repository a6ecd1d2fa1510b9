"""The stream of the reviews service: what it publishes, for others to hear.

The club's stream is the club's; the service publishes on a stream of its
own, with its own exchange, as any other service that publishes would.
"""

from celery import Celery
from kombu import Exchange, Queue

from transactional_outbox import stream

# Part of what the service publishes: never rename them.
TASK_NAME = "reviews.eventstream"
EXCHANGE = Exchange("reviews.events", type="topic")
STREAM = stream.Stream(TASK_NAME, EXCHANGE)
# How long a send may wait for the broker, in seconds.
SEND_TIMEOUT = 5.0


def subscription(queue: str, *types: str) -> Queue:
    """A durable queue of a listener of the reviews: these types, or all."""
    return STREAM.subscription(queue, *types)


def create_celery_app(broker_url: str, send_timeout: float = SEND_TIMEOUT) -> Celery:
    """The Celery app that sends the service's stream."""
    return stream.create_celery_app("reviews.relay", STREAM, broker_url, send_timeout)


class CeleryBatchTransport(stream.CeleryBatchTransport):
    """The service's transport, with a batch send for the relay."""

    def __init__(self, app: Celery, task_name: str = TASK_NAME) -> None:
        # No service reads the reviews' stream yet: what no queue receives
        # is dropped, not tried again until the relay parks it as dead.
        super().__init__(app, task_name, needs_a_queue=False)


def create_transport(
    broker_url: str, send_timeout: float = SEND_TIMEOUT
) -> CeleryBatchTransport:
    """The transport of the service's stream, to this broker."""
    return CeleryBatchTransport(create_celery_app(broker_url, send_timeout))
