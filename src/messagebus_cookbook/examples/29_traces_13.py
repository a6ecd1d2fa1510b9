"""A Celery worker that sends its spans before it stops."""

from celery.signals import worker_process_shutdown, worker_shutdown

from tracing.provider import flush


def flush_when_stopping() -> None:
    """Flush the spans when the worker stops, and when each pool process does.

    A pool's process exits without Python's exit handlers, its last spans
    with it, unless they are sent first.
    """

    def flush_spans(**_: object) -> None:
        flush()

    # Held strongly: nothing else keeps the function.
    worker_process_shutdown.connect(flush_spans, weak=False)
    worker_shutdown.connect(flush_spans, weak=False)
