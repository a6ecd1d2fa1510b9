"""A consumer in a Celery worker: the app, the retry policy and the shutdown."""

from collections.abc import Callable
from typing import Any, NoReturn

from celery import Celery, Task
from celery.exceptions import Reject
from celery.signals import worker_process_shutdown, worker_shutdown
from celery.utils.log import get_task_logger
from kombu import Queue

from idempotent_consumer.consumer import Consumer, Outcome
from idempotent_consumer.envelopes import describe, one_line
from idempotent_consumer.event_loop import ProcessEventLoop
from idempotent_consumer.faults import explain, is_passing
from idempotent_consumer.metrics import ConsumerMetrics

logger = get_task_logger(__name__)

# Seconds a connection to the broker may take.
BROKER_TIMEOUT = 5.0
# Envelopes the worker holds unacknowledged for each process of its pool,
# those in hand included: Celery's default, written down. Acknowledged
# late, they go back to the queue if the worker dies; until then, the
# other workers of the queue cannot take them.
PREFETCH = 4
# Seconds before an envelope that met a passing fault is tried again: 1, 2,
# 4... and 60 at most, for as long as the fault lasts.
RETRY_DELAY_MAX = 60


def create_consumer_app(
    main: str,
    broker_url: str,
    queue: Queue,
    *,
    prefetch: int = PREFETCH,
    broker_timeout: float = BROKER_TIMEOUT,
) -> Celery:
    """A Celery app that takes JSON from ``queue``, and loses none of it.

    An envelope is acknowledged once handled, kept or sent back: a worker
    that dies hands its envelopes back to the broker. Its tasks are tried
    again for as long as a passing fault lasts: after Celery's default of
    3 retries, an envelope would be acknowledged, neither handled nor kept.
    Its worker runs a pool of processes, or one (``solo``): the event loop
    of each process serves one task at a time, never two threads.
    """
    app = Celery(main, broker=broker_url)
    app.conf.update(
        accept_content=["json"],
        task_serializer="json",
        task_queues=[queue],
        task_acks_late=True,
        worker_prefetch_multiplier=prefetch,
        task_reject_on_worker_lost=True,
        task_annotations={"*": {"max_retries": None}},
        broker_connection_timeout=broker_timeout,
        broker_transport_options={
            # A retry's copy is sent, and confirmed by an AMQP broker, before
            # the envelope is acknowledged: never one less.
            "confirm_publish": True,
            "socket_connect_timeout": broker_timeout,
            "socket_timeout": broker_timeout,
        },
    )
    return app


def handle(
    task: Task[Any, str],
    envelope: object,
    consumer: Consumer[Any],
    event_loop: ProcessEventLoop,
    queue: Queue,
    metrics: ConsumerMetrics,
) -> str:
    """Handle an envelope in a task: once, later again, or as a dead letter.

    A passing fault puts it back on ``queue``, the consumer's own, to be
    tried after a wait. Any other error keeps it as a dead letter. What
    became of it is counted in ``metrics`` and logged, and is the task's
    result.
    """
    try:
        outcome = event_loop.run(consumer.consume(envelope))
    except Exception as error:
        if is_passing(error):
            try_again_later(task, envelope, error, queue, metrics)
        # A bug, or data the service cannot take: a retry would fail
        # again, and an acknowledged failure would lose the envelope.
        reason = f"{error.__class__.__name__}: {one_line(error)}"
        try:
            outcome = event_loop.run(consumer.keep_as_dead_letter(envelope, reason))
        except Exception as failure:
            # Not kept: acknowledged now, the envelope would be lost.
            try_again_later(task, envelope, failure, queue, metrics)
    metrics.count(queue.name, envelope, outcome)
    summary = f"{describe(envelope)}: {outcome.value}"
    if outcome is Outcome.dead_lettered:
        logger.warning(summary)
    else:
        logger.info(summary)
    return outcome.value


def try_again_later(
    task: Task[Any, str],
    envelope: object,
    error: Exception,
    queue: Queue,
    metrics: ConsumerMetrics,
) -> NoReturn:
    """Put the envelope back on the consumer's queue, to be tried after a wait.

    The copy is sent before the envelope is acknowledged. If the broker
    does not take it, the envelope is handed back to the broker instead.
    """
    delay = min(2**task.request.retries, RETRY_DELAY_MAX)
    metrics.count_retry(queue.name)
    logger.warning(
        "%s: tried again in %d s: %s", describe(envelope), delay, explain(error)
    )
    try:
        # To the consumer's own queue: the task's own route is the stream's
        # exchange, which would give every service the envelope again.
        raise task.retry(exc=error, countdown=delay, queue=queue.name)
    except Reject as not_sent:
        # Celery rejects the envelope when the broker did not take the copy,
        # and the broker drops what is rejected: have it requeued instead.
        raise Reject(not_sent, requeue=True) from error


def close_on_shutdown(app: Celery, event_loop: ProcessEventLoop) -> Callable[[], None]:
    """Close the loop and its connections when the worker, or a pool process, stops.

    The function that closes, for a caller that stops the worker itself.
    """

    def close() -> None:
        event_loop.close()
        worker_process_shutdown.disconnect(close_in_pool)
        worker_shutdown.disconnect(close_in_worker)

    def close_in_pool(**_: object) -> None:
        close()

    def close_in_worker(sender: Any, **_: object) -> None:
        # Every worker of this process hears it: only this app's closes.
        if sender.app is app:
            close()

    # Held strongly until the loop closes: nothing else keeps them.
    worker_process_shutdown.connect(close_in_pool, weak=False)
    worker_shutdown.connect(close_in_worker, weak=False)
    return close
