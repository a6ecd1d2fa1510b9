"""A service that is not the reading club: its inventory orders from suppliers."""

from typing import Any

from messagebus import (
    AsyncAbstractUnitOfWork,
    AsyncMessageBus,
    AsyncUnitOfWorkTransaction,
    Command,
    Metadata,
)

from after_commit.mail import AbstractMailer, Mail


class OrderStock(Command):
    """Order items of the stock from their supplier."""

    sku: str
    quantity: int
    supplier: str
    metadata: Metadata = Metadata(name="order_stock", schema_version=1)


class InventoryUnitOfWork(AsyncAbstractUnitOfWork[Any, Any, Any]):
    """Orders kept in memory: stored by a commit, forgotten by a rollback."""

    def __init__(self) -> None:
        self.orders: list[OrderStock] = []
        self.written: list[OrderStock] = []

    async def commit(self) -> None:
        self.orders += self.written
        self.written = []

    async def rollback(self) -> None:
        self.written = []


async def order_stock(
    command: OrderStock,
    transaction: AsyncUnitOfWorkTransaction[InventoryUnitOfWork],
    mailer: AbstractMailer,
) -> None:
    transaction.uow.written.append(command)
    mailer.send_after_commit(
        Mail(
            to=command.supplier,
            subject=f"Order of {command.quantity} {command.sku}",
            body=f"Please deliver {command.quantity} of {command.sku}.",
        )
    )


def create_bus() -> AsyncMessageBus[InventoryUnitOfWork]:
    bus: AsyncMessageBus[InventoryUnitOfWork] = AsyncMessageBus()
    bus.add_listener(OrderStock, order_stock)
    return bus
