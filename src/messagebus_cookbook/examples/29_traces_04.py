"""A span for each command the bus handles, its events included."""

import contextlib
from collections.abc import Iterator
from typing import Any

from messagebus import GenericCommand, Metadata, TransactionStatus
from messagebus.ports.observability import AbstractMetricsStore
from opentelemetry import trace

tracer = trace.get_tracer("tracing.bus")


class TracedMetricsStore(AbstractMetricsStore):
    """The metrics store of a bus, and a span around each command it handles.

    messagebus times each command it is given, with the events the command
    raises, through its metrics store, its one hook: the span wraps the
    timer, and the store counts as before.
    """

    def __init__(self, store: AbstractMetricsStore) -> None:
        self.store = store

    def inc_beginned_transaction_count(self) -> None:
        self.store.inc_beginned_transaction_count()

    def inc_transaction_failed(self) -> None:
        self.store.inc_transaction_failed()

    def inc_transaction_closed_count(self, status: TransactionStatus) -> None:
        self.store.inc_transaction_closed_count(status)

    def inc_messages_processed_total(self, msg_metadata: Metadata) -> None:
        self.store.inc_messages_processed_total(msg_metadata)

    @contextlib.contextmanager
    def command_processing_timer(self, command: GenericCommand[Any]) -> Iterator[None]:
        name = f"handle {command.metadata.name}"
        with (
            tracer.start_as_current_span(name),
            self.store.command_processing_timer(command),
        ):
            yield
