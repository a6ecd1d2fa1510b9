"""The events a service recorded, read back in the order of their writes."""

import json
import re
from collections.abc import AsyncIterator, Mapping
from typing import Any, TypeVar

from messagebus import GenericEvent
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

TEvent = TypeVar("TEvent", bound=GenericEvent[Any])

# Rows read at a time: memory grows with a batch, not with the table.
BATCH_SIZE = 500
# An envelope's type: the event's name, and the version of its payload.
VERSIONED = re.compile(r"^(?P<name>.+)_v(?P<version>\d+)$")


def version_of(type: str) -> tuple[str, int]:
    """The name and the version of an envelope's type, or ValueError."""
    match = VERSIONED.match(type)
    if match is None:
        raise ValueError(f"{type!r} is not a type of envelope: <name>_v<version>")
    return match["name"], int(match["version"])


async def recorded_events(
    connection: AsyncConnection,
    recorded: Table,
    events: Mapping[str, type[TEvent]],
    *,
    batch_size: int = BATCH_SIZE,
) -> AsyncIterator[TEvent]:
    """Each event of the types of ``events`` in ``recorded``, oldest first.

    ``recorded`` has a unique, increasing ``position`` and a JSON
    ``envelope``, as an outbox has, whose rows stay once sent. ``events``
    maps an envelope's type, such as ``stock_adjusted_v2``, to its event.
    An envelope of another version of a name it reads raises
    ``ValueError``: counted as nothing, it would make a read model wrong
    without a word.
    """
    names = {version_of(type)[0] for type in events}
    after = None
    while True:
        query = select(recorded.c.position, recorded.c.envelope)
        if after is not None:
            query = query.where(recorded.c.position > after)
        result = await connection.execute(
            query.order_by(recorded.c.position).limit(batch_size)
        )
        batch = result.all()
        if not batch:
            return
        for row in batch:
            type = row.envelope["type"]
            if type in events:
                yield event_of(row.envelope, events[type])
            elif VERSIONED.match(type) and version_of(type)[0] in names:
                raise ValueError(
                    f"{type}: the read model reads {', '.join(sorted(events))} only"
                )
        after = batch[-1].position


def event_of(envelope: Mapping[str, Any], event: type[TEvent]) -> TEvent:
    """The event that an envelope holds, with the id and time it was made with."""
    return event.model_validate(
        {
            **json.loads(envelope["payload"]),
            "message_id": envelope["id"],
            "created_at": envelope["created_at"],
        }
    )
