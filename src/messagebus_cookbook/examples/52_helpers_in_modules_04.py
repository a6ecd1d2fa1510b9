"""For the club's processes in a test: their environment, and a stream reader."""

import contextlib
import os
import queue
import subprocess
from collections.abc import Callable, Iterator

from celery.contrib.testing.worker import start_worker
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.eventstream import TASK_NAME, create_celery_app, subscription
from tests.streams import Envelopes


def club_environment(
    engine: AsyncEngine, broker_url: str, **settings: str
) -> dict[str, str]:
    """The environment of a process of the club: the test's servers, none of yours.

    ``settings`` are more READING_CLUB_* variables, as ``RELAY_SEND_TIMEOUT="1"``.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("READING_CLUB_")
    }
    environment["READING_CLUB_DATABASE_URL"] = engine.url.render_as_string(
        hide_password=False
    )
    environment["READING_CLUB_BROKER_URL"] = broker_url
    for name, value in settings.items():
        environment[f"READING_CLUB_{name}"] = value
    return environment


StartRelay = Callable[..., subprocess.Popen[str]]


@contextlib.contextmanager
def eventstream_worker(broker_url: str, name: str = "tests") -> Iterator[Envelopes]:
    """A worker in a thread, on a queue of its own, that keeps what it gets."""
    envelopes: Envelopes = queue.Queue()
    app = create_celery_app(broker_url)
    app.conf.task_queues = [subscription(name)]

    @app.task(name=TASK_NAME, shared=False)
    def eventstream(envelope: dict[str, str]) -> None:
        envelopes.put(envelope)

    # On Redis, a worker waits for a message one second at a time, and
    # sees that the test is over only then: a tenth of a second will do.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "polling_interval": 0.1,
    }
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield envelopes
