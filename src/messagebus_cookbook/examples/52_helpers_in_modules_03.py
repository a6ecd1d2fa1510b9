"""What the club's outbox holds, and a relay that empties it."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.orm import outbox
from transactional_outbox.relay import OutboxRelay


async def outbox_rows(engine: AsyncEngine) -> list[dict[str, Any]]:
    """What waits in the outbox, and what became of it, oldest first."""
    async with engine.connect() as connection:
        result = await connection.execute(
            select(
                outbox.c.message_id,
                outbox.c.stream_key,
                outbox.c.envelope,
                outbox.c.status,
                outbox.c.attempts,
                outbox.c.last_error,
            ).order_by(outbox.c.position)
        )
        return [row._asdict() for row in result]


async def drain(relay: OutboxRelay) -> None:
    """Run the relay until it finds nothing due."""
    while await relay.send_pending():
        pass
