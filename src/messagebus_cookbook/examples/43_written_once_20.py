"""The club's event stream over Celery: each published message is a task.

The tasks go to the club's exchange, with the envelope's type as routing
key. Each service that listens binds a queue of its own to the exchange:
every service gets every envelope it subscribed to, and the workers of one
service share its queue.
"""

from celery import Celery
from kombu import Exchange, Queue

from transactional_outbox import stream
from transactional_outbox.stream import Stream, TaskSender

# Part of what the club publishes: never rename them.
TASK_NAME = "reading_club.eventstream"
EXCHANGE = Exchange("reading_club.events", type="topic")
STREAM = Stream(TASK_NAME, EXCHANGE)
# How long a send may wait for the broker, in seconds.
SEND_TIMEOUT = 5.0


def subscription(queue: str, *types: str) -> Queue:
    """A durable queue of one service on the club's stream: these types, or all."""
    return STREAM.subscription(queue, *types)


def create_celery_app(broker_url: str, send_timeout: float = SEND_TIMEOUT) -> Celery:
    """The Celery app that sends the club's stream."""
    return stream.create_celery_app("reading_club", STREAM, broker_url, send_timeout)


class CeleryTransport(stream.CeleryTransport):
    """Send each serialized message as a task of the club's stream."""

    def __init__(self, app: TaskSender, task_name: str = TASK_NAME) -> None:
        super().__init__(app, task_name)


class CeleryBatchTransport(stream.CeleryBatchTransport):
    """The club's transport, with a batch send for the relay and a health check."""

    def __init__(self, app: Celery, task_name: str = TASK_NAME) -> None:
        super().__init__(app, task_name)


def create_transport(
    broker_url: str, send_timeout: float = SEND_TIMEOUT
) -> CeleryBatchTransport:
    """The transport of the club's stream, to this broker."""
    return CeleryBatchTransport(create_celery_app(broker_url, send_timeout))
