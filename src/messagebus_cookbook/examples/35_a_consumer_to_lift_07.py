"""An event loop for each process of a worker, kept for the life of the process."""

import asyncio
import os
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class ProcessEventLoop:
    """Runs a worker's coroutines on one event loop of the process running them.

    The loop is made at the first coroutine a process runs, so each process
    of a forked pool makes its own: a loop, and the connections opened on it,
    must never cross a fork. What is opened on it stays open from one task to
    the next, until ``close`` runs what was given to ``on_close``.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0
        self._on_close: list[Callable[[], Awaitable[None]]] = []

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine to its end on this process's loop, and return its result."""
        if self._loop is None or self._pid != os.getpid():
            self._loop = asyncio.new_event_loop()
            self._pid = os.getpid()
        return self._loop.run_until_complete(coroutine)

    def on_close(self, close: Callable[[], Awaitable[None]]) -> None:
        """Have ``close`` awaited on the loop when the loop closes."""
        self._on_close.append(close)

    def close(self) -> None:
        """Run what closes on the loop, then close it; nothing if it never ran here."""
        loop = self._loop
        if loop is None or self._pid != os.getpid() or loop.is_closed():
            return
        try:
            for close in self._on_close:
                loop.run_until_complete(close())
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
