"""The relay: it sends what waits in an outbox to the event stream."""

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol, runtime_checkable

from messagebus import AsyncAbstractEventstreamTransport
from opentelemetry import trace
from sqlalchemy import Table, exists, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from transactional_outbox.metrics import RelayMetrics
from transactional_outbox.table import log_fields
from transactional_outbox.tracing import attributes, context_of, tracer

MAX_ERROR_LENGTH = 500
UNSTORABLE_ERROR = "the error of this attempt could not be stored"


@runtime_checkable
class SendsBatches(Protocol):
    """A transport that sends many messages at once: None or an error for each."""

    async def send_batch(
        self, messages: Sequence[Mapping[str, Any]]
    ) -> Sequence[Exception | None]: ...


class SendTimeout(Exception):
    """The stream did not take a message in time."""


class StreamUnavailable(Exception):
    """The stream is out of reach: its broker took nothing, whatever the message.

    A transport raises it, or returns it for a message, when it cannot reach
    its broker. The relay then counts no attempt against the rows: they wait
    for the broker, not for their backoff.
    """


class Stopped(Exception):
    """The relay was told to stop while it sent a batch."""


def storable(error: BaseException) -> str:
    """The error on one line that any database stores: no NUL, bounded length."""
    text = f"{type(error).__name__}: {error}".replace("\x00", "\\x00")
    text = " ".join(text.split())
    if len(text) > MAX_ERROR_LENGTH:
        return text[: MAX_ERROR_LENGTH - 3] + "..."
    return text


class OutboxRelay:
    """Send the pending rows of an outbox to a transport, and mark them."""

    def __init__(
        self,
        engine: AsyncEngine,
        outbox: Table,
        transport: AsyncAbstractEventstreamTransport,
        *,
        batch_size: int = 100,
        max_attempts: int = 20,
        backoff: timedelta = timedelta(seconds=1),
        max_backoff: timedelta = timedelta(minutes=5),
        poll_interval: float = 1.0,
        max_poll_interval: float = 30.0,
        send_timeout: float = 5.0,
        metrics: RelayMetrics | None = None,
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.transport = transport
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.send_timeout = send_timeout
        # The lines of each outbox's relay, under the name of its table.
        self.logger = logging.getLogger(f"{__name__}.{outbox.name}")
        # Its series under its table's name, with the schema if it has one,
        # each from 0: Prometheus sees a counter grow only from its first value.
        self.metrics = RelayMetrics() if metrics is None else metrics
        self.sent = self.metrics.sent.labels(outbox.fullname)
        self.failed = self.metrics.failed.labels(outbox.fullname)
        self.dead = self.metrics.dead.labels(outbox.fullname)
        self.oldest_pending = self.metrics.oldest_pending.labels(outbox.fullname)

    async def send_pending(self) -> int:
        """Send one batch of the rows that are due; how many rows it took.

        Once the batch is committed, count it, and measure the age of the
        oldest row that still waits.
        """
        outbox = self.outbox
        earlier = outbox.alias("earlier")
        outcomes: Sequence[Exception | None] = []
        async with self.engine.begin() as connection:
            result = await connection.execute(
                select(outbox.c.position, outbox.c.envelope, outbox.c.attempts)
                .where(
                    outbox.c.status == "pending",
                    outbox.c.next_attempt_at <= datetime.now(timezone.utc),
                    # The oldest pending row of its key only: the others wait.
                    ~exists().where(
                        earlier.c.stream_key == outbox.c.stream_key,
                        earlier.c.status == "pending",
                        earlier.c.position < outbox.c.position,
                    ),
                )
                .order_by(outbox.c.position)
                .limit(self.batch_size)
                # Lock the rows taken: another relay skips them instead of waiting.
                .with_for_update(skip_locked=True, of=outbox)
            )
            rows = result.all()
            if rows:
                outcomes = await self.send([row.envelope for row in rows])
                taken = [(row.position, row.attempts) for row in rows]
                await self.record(connection, taken, outcomes)
        if rows:
            self.count([row.attempts for row in rows], outcomes)
            self.log_sent([row.envelope for row in rows], outcomes)
        await self.measure()
        for error in outcomes:
            if isinstance(error, StreamUnavailable):
                raise error
        return len(rows)

    async def send(
        self, envelopes: Sequence[Mapping[str, Any]]
    ) -> list[Exception | None]:
        """Hand the envelopes to the transport, each in the trace of its write.

        None or the error, for each one. After ``send_timeout`` seconds, what
        has no answer yet has failed.
        """
        spans = [
            tracer.start_span(
                f"send {envelope.get('type')}",
                context=context_of(envelope),
                kind=trace.SpanKind.PRODUCER,
                attributes=attributes(envelope),
            )
            for envelope in envelopes
        ]
        try:
            outcomes = await self.hand_over(envelopes)
        except BaseException:
            # Cancelled, as when the relay stops: the batch is abandoned.
            for span in spans:
                span.set_status(trace.StatusCode.ERROR, "abandoned")
                span.end()
            raise
        for span, error in zip(spans, outcomes, strict=True):
            if error is not None:
                span.record_exception(error)
                span.set_status(trace.StatusCode.ERROR, storable(error))
            span.end()
        return outcomes

    async def hand_over(
        self, envelopes: Sequence[Mapping[str, Any]]
    ) -> list[Exception | None]:
        """None or the error, for each envelope, within ``send_timeout``.

        Not a word from the stream in that time: it is out of reach.
        """
        timeout = SendTimeout(f"no answer within {self.send_timeout} s")
        outcomes: list[Exception | None] = [timeout] * len(envelopes)

        async def send_all() -> None:
            if isinstance(self.transport, SendsBatches):
                try:
                    outcomes[:] = await self.transport.send_batch(envelopes)
                except Exception as error:
                    outcomes[:] = [error] * len(envelopes)
                return
            for index, envelope in enumerate(envelopes):
                try:
                    await self.transport.send_message_serialized(envelope)
                except Exception as error:
                    outcomes[index] = error
                else:
                    outcomes[index] = None

        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(send_all(), self.send_timeout)
        if all(outcome is timeout for outcome in outcomes):
            silent = StreamUnavailable(f"no answer within {self.send_timeout} s")
            return [silent] * len(envelopes)
        return outcomes

    async def record(
        self,
        connection: AsyncConnection,
        taken: Sequence[tuple[int, int]],
        outcomes: Sequence[Exception | None],
    ) -> None:
        """Mark the rows (position, attempts) sent in one statement, then the others."""
        now = datetime.now(timezone.utc)
        sent = [
            position
            for (position, _), error in zip(taken, outcomes, strict=True)
            if error is None
        ]
        if sent:
            await connection.execute(
                update(self.outbox)
                .where(self.outbox.c.position.in_(sent))
                .values(status="sent", sent_at=now, attempts=self.outbox.c.attempts + 1)
            )
        failed: dict[tuple[int, str], list[int]] = {}
        for (position, attempts), error in zip(taken, outcomes, strict=True):
            # Out of reach: not the row's failure. It stays as it was.
            if error is not None and not isinstance(error, StreamUnavailable):
                key = (attempts + 1, storable(error))
                failed.setdefault(key, []).append(position)
        for (attempts, error_text), positions in failed.items():
            await self.record_failure(connection, positions, attempts, error_text, now)

    async def record_failure(
        self,
        connection: AsyncConnection,
        positions: list[int],
        attempts: int,
        error_text: str,
        now: datetime,
    ) -> None:
        """Count a failed attempt: wait before the next one, or park the rows."""
        dead = attempts >= self.max_attempts
        self.logger.warning(
            "could not send %d outbox row(s) from position %d (attempt %d of %d%s): %s",
            len(positions),
            positions[0],
            attempts,
            self.max_attempts,
            ", parked as dead" if dead else "",
            error_text,
        )
        for last_error in (error_text, UNSTORABLE_ERROR):
            try:
                # A savepoint: a failed update undoes itself, not the batch's marks.
                async with connection.begin_nested():
                    await connection.execute(
                        update(self.outbox)
                        .where(self.outbox.c.position.in_(positions))
                        .values(
                            status="dead" if dead else "pending",
                            attempts=attempts,
                            last_error=last_error,
                            next_attempt_at=now + self.wait_after(attempts),
                        )
                    )
                return
            except DBAPIError as error:
                self.logger.warning("could not store the error: %s", storable(error))

    def count(
        self, attempts: Sequence[int], outcomes: Sequence[Exception | None]
    ) -> None:
        """Count the envelopes of a committed batch: sent, failed, parked as dead."""
        for attempts_before, error in zip(attempts, outcomes, strict=True):
            if error is None:
                self.sent.inc()
                continue
            self.failed.inc()
            if isinstance(error, StreamUnavailable):
                continue
            if attempts_before + 1 >= self.max_attempts:
                self.dead.inc()

    def log_sent(
        self,
        envelopes: Sequence[Mapping[str, Any]],
        outcomes: Sequence[Exception | None],
    ) -> None:
        """A line for each envelope of a committed batch that was sent, with its ids."""
        for envelope, error in zip(envelopes, outcomes, strict=True):
            if error is None:
                self.logger.info(
                    "sent %s %s",
                    envelope.get("type"),
                    envelope.get("id"),
                    extra=log_fields(envelope),
                )

    async def measure(self) -> None:
        """Set the age of the oldest pending message: the stream is that far behind."""
        # Rows are written in the order of their position: the first is the
        # oldest, and its envelope says when its message was made.
        async with self.engine.connect() as connection:
            oldest = await connection.scalar(
                select(self.outbox.c.envelope)
                .where(self.outbox.c.status == "pending")
                .order_by(self.outbox.c.position)
                .limit(1)
            )
        if oldest is None:
            self.oldest_pending.set(0)
            return
        created_at = datetime.fromisoformat(oldest["created_at"])
        waited = datetime.now(timezone.utc) - created_at
        self.oldest_pending.set(waited.total_seconds())

    def wait_after(self, attempts: int) -> timedelta:
        """The wait after a failed attempt: doubled each time, up to a maximum."""
        factor: int = 2 ** (attempts - 1)
        return min(self.backoff * factor, self.max_backoff)

    async def pending(self) -> int:
        """How many rows wait to be sent: a query that needs the database."""
        async with self.engine.connect() as connection:
            count = await connection.scalar(
                select(func.count())
                .select_from(self.outbox)
                .where(self.outbox.c.status == "pending")
            )
        return count or 0

    async def run(self, stop: asyncio.Event) -> None:
        """Send batch after batch until ``stop`` is set; poll when none is due.

        When ``stop`` is set during a batch, the relay abandons it: the batch's
        transaction rolls back, and its rows stay pending.
        """
        failures = 0
        out_of_reach_since: float | None = None
        while not stop.is_set():
            try:
                taken = await until_stopped(self.send_pending(), stop)
            except Stopped:
                self.logger.info(
                    "stopping: the rows of the batch in flight stay pending"
                )
                return
            except StreamUnavailable as error:
                # No longer wait than when idle: the stream resumes as soon
                # as its broker is back, whatever the length of the outage.
                if out_of_reach_since is None:
                    out_of_reach_since = time.monotonic()
                    self.logger.error(
                        "the stream is out of reach, next try every %.3g s: %s",
                        self.poll_interval,
                        storable(error),
                    )
                wait = self.poll_interval
            except Exception as error:
                # The relay's own failure (its database, say): one line, a longer wait.
                failures += 1
                wait = min(
                    self.poll_interval * 2 ** (failures - 1), self.max_poll_interval
                )
                self.logger.error(
                    "the relay failed (%d in a row), next try in %.3g s: %s",
                    failures,
                    wait,
                    storable(error),
                )
            else:
                if failures:
                    self.logger.info(
                        "the relay works again after %d failure(s)", failures
                    )
                # Back once it takes a row, not when no row was due.
                if out_of_reach_since is not None and taken:
                    self.logger.info(
                        "the stream is back after %.1f s",
                        time.monotonic() - out_of_reach_since,
                    )
                    out_of_reach_since = None
                failures = 0
                wait = self.poll_interval if taken == 0 else 0
            if wait:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)


async def until_stopped(work: Awaitable[int], stop: asyncio.Event) -> int:
    """The result of ``work``, or ``Stopped`` when ``stop`` is set first."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not task.done():
        task.cancel()
        # Let the transaction roll back, a second at most.
        await asyncio.wait({task}, timeout=1.0)
        raise Stopped
    return task.result()


async def run_until_signalled(relay: OutboxRelay) -> None:
    """Run the relay until SIGTERM or SIGINT; the batch in flight is abandoned."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await relay.run(stop)


async def check(
    relay: OutboxRelay,
    ping_broker: Callable[[], Awaitable[str | None]],
    timeout: float,
) -> bool:
    """Whether the relay reaches its database and its broker: a line for each.

    Each within ``timeout`` seconds; the broker's line carries its warning,
    if ``ping_broker`` returns one.
    """

    async def probe(name: str, reach: Awaitable[object]) -> bool:
        try:
            answer = await asyncio.wait_for(reach, timeout)
        except asyncio.TimeoutError:
            print(f"{name}: unreachable: no answer within {timeout} s")
            return False
        except Exception as error:
            print(f"{name}: unreachable: {storable(error)}")
            return False
        print(f"{name}: ok" if answer is None else f"{name}: ok, {answer}")
        return True

    async def rows_pending() -> str:
        return f"{await relay.pending()} row(s) pending"

    database = await probe("database", rows_pending())
    broker = await probe("broker", ping_broker())
    return database and broker
