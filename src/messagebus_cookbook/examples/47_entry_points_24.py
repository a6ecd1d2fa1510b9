"""python benchmarks/loop_per_envelope.py: the reviews worker as it was, to compare.

The worker of python -m reviews.entrypoints.worker, with the two things that keep it
fast put back as they were: each envelope runs in an event loop of its own
(asyncio.run), on a connection of its own (no pool). benchmarks/reviews_worker.py
starts it beside the worker of today, on the same servers.
"""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar
from unittest.mock import patch

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from idempotent_consumer.event_loop import ProcessEventLoop
from reviews.adapters.orm import create_engine
from reviews.entrypoints import worker

T = TypeVar("T")


class LoopPerEnvelope(ProcessEventLoop):
    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run(coroutine)


def engine_without_pool(url: str, **_: Any) -> AsyncEngine:
    return create_engine(url, poolclass=NullPool)


if __name__ == "__main__":
    with (
        patch("reviews.entrypoints.worker.ProcessEventLoop", LoopPerEnvelope),
        patch("reviews.entrypoints.worker.create_engine", engine_without_pool),
    ):
        raise SystemExit(worker.main())
