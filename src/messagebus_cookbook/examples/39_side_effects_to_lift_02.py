"""Effects kept for the length of a transaction, run once it is committed."""

import abc
import asyncio
import logging
from typing import Generic, TypeVar

from messagebus import AsyncDependency

logger = logging.getLogger(__name__)

T = TypeVar("T")


class AfterCommit(AsyncDependency, Generic[T]):
    """Keeps the effects of a transaction, and runs them once it is committed.

    The bus gives each handler that asks for it the one passed to
    ``bus.handle``, and the transaction calls its hooks when it ends: pass
    a new one for each transaction, or one transaction's commit runs what
    another kept. An effect that fails is logged, and the others run: the
    transaction is committed, and an error raised here would have the
    caller believe it was not. The caller waits for every effect to end.
    """

    def __init__(self) -> None:
        self.waiting: list[T] = []

    def after_commit(self, effect: T) -> None:
        """Run ``effect`` once the transaction is committed; never if it is not."""
        self.waiting.append(effect)

    async def on_after_commit(self) -> None:
        # Taken at once: the hooks run once for each message handled, and
        # each effect runs once.
        effects, self.waiting = self.waiting, []
        for done, effect in enumerate(effects):
            try:
                await self.run(effect)
            except asyncio.CancelledError:
                logger.error(
                    "cancelled after the commit: %s left undone",
                    ", ".join(self.describe(left) for left in effects[done:]),
                )
                raise
            except Exception:
                logger.exception("%s failed after the commit", self.describe(effect))

    async def on_after_rollback(self) -> None:
        self.waiting.clear()

    @abc.abstractmethod
    async def run(self, effect: T) -> None:
        """Do what ``effect`` says, now."""

    def describe(self, effect: T) -> str:
        """The effect, in the line that logs its failure."""
        return repr(effect)
