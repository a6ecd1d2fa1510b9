"""A handler's mails wait for the commit: sent then, forgotten by a rollback."""

import asyncio

import pytest

from after_commit.effects import AfterCommit
from after_commit.mail import AbstractMailer, Mail
from tests.after_commit.inventory import InventoryUnitOfWork, OrderStock, create_bus

CHAIRS = OrderStock(sku="CHAIR-OAK", quantity=10, supplier="oak@example.com")
TABLES = OrderStock(sku="TABLE-ELM", quantity=3, supplier="elm@example.com")


class KeptMails(AbstractMailer):
    """Keeps what it sends; refuses the mails to ``refused``."""

    def __init__(self, refused: str = "") -> None:
        super().__init__()
        self.refused = refused
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        if mail.to == self.refused:
            raise ConnectionRefusedError(f"{mail.to} is not reachable")
        self.sent.append(mail)


async def test_a_mail_is_sent_once_its_transaction_is_committed() -> None:
    bus, mailer = create_bus(), KeptMails()

    async with InventoryUnitOfWork() as transaction:
        await bus.handle(CHAIRS, transaction, mailer=mailer)
        assert mailer.sent == []
        await transaction.commit()

    assert mailer.sent == [
        Mail(
            to="oak@example.com",
            subject="Order of 10 CHAIR-OAK",
            body="Please deliver 10 of CHAIR-OAK.",
        )
    ]


async def test_a_rolled_back_transaction_sends_nothing() -> None:
    bus, mailer = create_bus(), KeptMails()

    async with InventoryUnitOfWork() as transaction:
        await bus.handle(CHAIRS, transaction, mailer=mailer)
        await transaction.rollback()

    assert (transaction.uow.orders, mailer.sent, mailer.waiting) == ([], [], [])


async def test_a_mail_that_fails_is_logged_and_the_others_are_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus, mailer = create_bus(), KeptMails(refused="oak@example.com")

    async with InventoryUnitOfWork() as transaction:
        await bus.handle(CHAIRS, transaction, mailer=mailer)
        await bus.handle(TABLES, transaction, mailer=mailer)
        # The commit does not raise: what it wrote stays written.
        await transaction.commit()

    assert transaction.uow.orders == [CHAIRS, TABLES]
    assert [mail.to for mail in mailer.sent] == ["elm@example.com"]
    [failure] = caplog.records
    assert failure.getMessage() == (
        "the mail 'Order of 10 CHAIR-OAK' failed after the commit"
    )
    assert failure.exc_info is not None
    assert isinstance(failure.exc_info[1], ConnectionRefusedError)


class ClearedCaches(AfterCommit[str]):
    """Another kind of effect: keys of a cache, cleared once committed."""

    def __init__(self, cache: dict[str, int]) -> None:
        super().__init__()
        self.cache = cache

    async def run(self, effect: str) -> None:
        del self.cache[effect]


async def test_any_effect_waits_for_the_commit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = {"stock:CHAIR-OAK": 0}
    caches = ClearedCaches(cache)

    async with InventoryUnitOfWork() as transaction:
        transaction.add_listener(caches)
        caches.after_commit("stock:CHAIR-OAK")
        caches.after_commit("stock:TABLE-ELM")
        assert cache == {"stock:CHAIR-OAK": 0}
        await transaction.commit()

    assert cache == {}
    # An effect is named by its repr, unless the subclass describes it.
    [failure] = caplog.records
    assert failure.getMessage() == "'stock:TABLE-ELM' failed after the commit"


class Waits(AfterCommit[str]):
    """Effects that wait until they are cancelled."""

    async def run(self, effect: str) -> None:
        await asyncio.Event().wait()


async def test_effects_cancelled_after_the_commit_are_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    waits = Waits()
    waits.after_commit("first")
    waits.after_commit("second")
    running = asyncio.create_task(waits.on_after_commit())
    await asyncio.sleep(0)

    running.cancel()

    with pytest.raises(asyncio.CancelledError):
        await running
    [line] = caplog.records
    assert line.getMessage() == (
        "cancelled after the commit: 'first', 'second' left undone"
    )
