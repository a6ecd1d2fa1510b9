"""Envelopes read back into events, in the latest version a service handles."""

import json
from collections.abc import Callable, Mapping
from typing import Any

from messagebus import Event

Payload = dict[str, Any]
# An older version's next version, and how to turn its payload into it.
Upcaster = tuple[str, Callable[[Payload], Payload]]


class UnreadableEnvelope(ValueError):
    """An envelope that no retry will make readable."""


class EnvelopeReader:
    """Reads the envelopes of the types a service handles, and of their older versions.

    ``events`` gives each envelope type the service handles, and its event.
    ``upcasters`` gives each older type the service still reads its next
    version: an older type leaves it when none of its envelopes can arrive
    anymore.
    """

    def __init__(
        self,
        events: Mapping[str, type[Event]],
        upcasters: Mapping[str, Upcaster] | None = None,
    ) -> None:
        self.events = dict(events)
        self.upcasters = dict(upcasters or {})
        for type in self.upcasters:
            self.check_chain(type)

    def check_chain(self, type: str) -> None:
        """ValueError unless the upcasters lead ``type`` to a type handled, once."""
        chain = [type]
        while chain[-1] in self.upcasters:
            next_type, _ = self.upcasters[chain[-1]]
            if next_type in chain:
                raise ValueError(
                    f"the upcasters loop: {' -> '.join(chain)} -> {next_type}"
                )
            chain.append(next_type)
        if chain[-1] not in self.events:
            raise ValueError(f"{chain[-2]} is upcast to {chain[-1]}, which is not read")

    @property
    def types(self) -> list[str]:
        """Every type read, the older versions first: what to subscribe to."""
        return [*self.upcasters, *self.events]

    def read(self, envelope: object) -> tuple[str, Event]:
        """The envelope's type, and its event in the latest version handled.

        UnreadableEnvelope if there is none.
        """
        if not isinstance(envelope, Mapping):
            raise UnreadableEnvelope(f"not an envelope: {envelope!r:.100}")
        type = envelope.get("type")
        if not isinstance(type, str) or type not in self.types:
            raise UnreadableEnvelope(
                f"unknown type {type!r}: the service reads {', '.join(self.types)}"
            )
        try:
            latest, fields = self.upcast(type, json.loads(envelope["payload"]))
            return type, self.events[latest].model_validate(
                {
                    **fields,
                    "message_id": envelope["id"],
                    "created_at": envelope["created_at"],
                }
            )
        except (KeyError, TypeError, ValueError) as error:
            # A pydantic ValidationError, and a JSONDecodeError, are ValueErrors.
            raise UnreadableEnvelope(
                f"{type} does not validate: {error.__class__.__name__}: "
                f"{one_line(error)}"
            ) from error

    def upcast(self, type: str, payload: Payload) -> tuple[str, Payload]:
        """The payload in the latest version the service handles, and its type."""
        while type in self.upcasters:
            type, step = self.upcasters[type]
            payload = step(payload)
        return type, payload


def describe(envelope: object) -> str:
    """An envelope in a log line: its type and its id, never its payload."""
    if isinstance(envelope, dict):
        return f"{envelope.get('type')} {envelope.get('id')}"
    return f"an envelope of type {type(envelope).__name__}"


def one_line(error: BaseException) -> str:
    """What an error says, on one line."""
    return " ".join(str(error).split())
