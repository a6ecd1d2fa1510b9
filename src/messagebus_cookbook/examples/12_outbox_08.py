"""The relay: it sends what waits in the outbox to the event stream."""

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta, timezone

from messagebus import AsyncAbstractEventstreamTransport
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.uow_sqla.orm import outbox

logger = logging.getLogger(__name__)


class OutboxRelay:
    """Send the pending rows of the outbox to a transport, and mark them."""

    def __init__(
        self,
        engine: AsyncEngine,
        transport: AsyncAbstractEventstreamTransport,
        *,
        batch_size: int = 100,
        max_attempts: int = 20,
        backoff: timedelta = timedelta(seconds=1),
        max_backoff: timedelta = timedelta(minutes=5),
        poll_interval: float = 1.0,
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.poll_interval = poll_interval

    async def send_pending(self) -> int:
        """Send one batch of the rows that are due; how many rows it took."""
        now = datetime.now(timezone.utc)
        async with self.engine.begin() as connection:
            result = await connection.execute(
                select(outbox.c.position, outbox.c.envelope, outbox.c.attempts)
                .where(
                    outbox.c.status == "pending",
                    outbox.c.next_attempt_at <= now,
                )
                .order_by(outbox.c.position)
                .limit(self.batch_size)
            )
            rows = result.all()
            for row in rows:
                attempts = row.attempts + 1
                try:
                    await self.transport.send_message_serialized(row.envelope)
                except Exception as error:
                    dead = attempts >= self.max_attempts
                    logger.warning(
                        "could not send outbox row %d (attempt %d of %d): %r",
                        row.position,
                        attempts,
                        self.max_attempts,
                        error,
                    )
                    values = {
                        "status": "dead" if dead else "pending",
                        "last_error": f"{type(error).__name__}: {error}",
                        "next_attempt_at": now + self.wait_after(attempts),
                    }
                else:
                    values = {"status": "sent", "sent_at": now}
                await connection.execute(
                    update(outbox)
                    .where(outbox.c.position == row.position)
                    .values(attempts=attempts, **values)
                )
        return len(rows)

    def wait_after(self, attempts: int) -> timedelta:
        """The wait after a failed attempt: doubled each time, up to a maximum."""
        factor: int = 2 ** (attempts - 1)
        return min(self.backoff * factor, self.max_backoff)

    async def run(self, stop: asyncio.Event) -> None:
        """Send batch after batch until ``stop`` is set; poll when none is due."""
        while not stop.is_set():
            try:
                taken = await self.send_pending()
            except Exception:
                logger.exception("the relay failed; it tries again")
                taken = 0
            if taken == 0:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll_interval)
