"""The consumer in the inventory: each envelope once, the unreadable kept aside."""

from typing import Any

import pytest
from messagebus import AsyncMessageBus, AsyncUnitOfWorkTransaction
from sqlalchemy.ext.asyncio import AsyncEngine

from idempotent_consumer.consumer import Consumer, Outcome
from idempotent_consumer.envelopes import EnvelopeReader, Upcaster
from tests.idempotent_consumer.inventory import (
    READER,
    InventoryUnitOfWork,
    StockAdjusted,
    adjust_stock,
    create_consumer,
    dead_letters,
    inbox,
    stock,
)
from tests.idempotent_consumer.samples import TEN_MORE, rows

# Two fewer, in version 1, which named the change delta.
TWO_FEWER_V1 = {
    "id": "0190f3e4-8a4b-7c1e-9a7e-3f5b2c1d0e11",
    "created_at": "2026-12-01T09:01:00+00:00",
    "type": "stock_adjusted_v1",
    "payload": '{"sku":"CHAIR-OAK","delta":-2}',
}


async def test_an_envelope_delivered_twice_has_its_effect_once(
    inventory_engine: AsyncEngine,
) -> None:
    consumer = create_consumer(inventory_engine)

    outcomes = [await consumer.consume(TEN_MORE) for _ in range(2)]

    assert outcomes == [Outcome.handled, Outcome.duplicate]
    assert await rows(inventory_engine, stock) == [{"sku": "CHAIR-OAK", "quantity": 10}]


async def test_an_older_version_is_upcast_and_recorded_as_it_came(
    inventory_engine: AsyncEngine,
) -> None:
    consumer = create_consumer(inventory_engine)

    await consumer.consume(TEN_MORE)
    await consumer.consume(TWO_FEWER_V1)

    assert await rows(inventory_engine, stock) == [{"sku": "CHAIR-OAK", "quantity": 8}]
    types = [row["type"] for row in await rows(inventory_engine, inbox)]
    assert sorted(types) == ["stock_adjusted_v1", "stock_adjusted_v2"]


@pytest.mark.parametrize(
    ("envelope", "error"),
    [
        pytest.param(
            {**TEN_MORE, "type": "item_discontinued_v1"},
            "unknown type 'item_discontinued_v1': the service reads "
            "stock_adjusted_v1, stock_adjusted_v2",
            id="unknown type",
        ),
        pytest.param(
            {**TEN_MORE, "payload": '{"sku":"CHAIR-OAK"}'},
            "stock_adjusted_v2 does not validate: ValidationError",
            id="missing field",
        ),
        pytest.param(["not", "an", "envelope"], "not an envelope", id="a list"),
    ],
)
async def test_an_unreadable_envelope_is_kept_with_why(
    envelope: object, error: str, inventory_engine: AsyncEngine
) -> None:
    consumer = create_consumer(inventory_engine)

    outcome = await consumer.consume(envelope)

    assert outcome is Outcome.dead_lettered
    [kept] = await rows(inventory_engine, dead_letters)
    assert (kept["envelope"], kept["error"][: len(error)]) == (envelope, error)
    assert await rows(inventory_engine, inbox) == []


async def test_a_failed_handler_commits_nothing_and_the_envelope_comes_again(
    inventory_engine: AsyncEngine,
) -> None:
    async def adjust_then_fail(
        event: StockAdjusted, transaction: AsyncUnitOfWorkTransaction[Any]
    ) -> None:
        await adjust_stock(event, transaction)
        raise RuntimeError("the handler failed")

    failing_bus: AsyncMessageBus[InventoryUnitOfWork] = AsyncMessageBus()
    failing_bus.add_listener(StockAdjusted, adjust_then_fail)
    failing = Consumer(
        READER, failing_bus, lambda: InventoryUnitOfWork(inventory_engine)
    )

    with pytest.raises(RuntimeError):
        await failing.consume(TEN_MORE)
    # Neither the effect nor the inbox's record: one transaction.
    assert await rows(inventory_engine, stock) == []
    assert await rows(inventory_engine, inbox) == []
    outcome = await create_consumer(inventory_engine).consume(TEN_MORE)

    assert outcome is Outcome.handled
    assert await rows(inventory_engine, stock) == [{"sku": "CHAIR-OAK", "quantity": 10}]


async def test_a_dead_letter_is_handled_again_once_its_cause_is_fixed(
    inventory_engine: AsyncEngine,
) -> None:
    consumer = create_consumer(inventory_engine)
    await consumer.keep_as_dead_letter(TEN_MORE, "RuntimeError: a bug, since fixed")

    outcomes = [await consumer.rehandle(1)]
    with pytest.raises(LookupError, match="no dead letter at position 1"):
        await consumer.rehandle(1)

    assert outcomes == [Outcome.handled]
    assert await rows(inventory_engine, stock) == [{"sku": "CHAIR-OAK", "quantity": 10}]
    assert await rows(inventory_engine, dead_letters) == []


@pytest.mark.parametrize(
    ("upcasters", "error"),
    [
        pytest.param(
            {"stock_adjusted_v1": ("stock_adjusted_v3", dict)},
            "stock_adjusted_v1 is upcast to stock_adjusted_v3, which is not read",
            id="to a type not read",
        ),
        pytest.param(
            {
                "stock_adjusted_v0": ("stock_adjusted_v1", dict),
                "stock_adjusted_v1": ("stock_adjusted_v0", dict),
            },
            "the upcasters loop: stock_adjusted_v0 -> stock_adjusted_v1 -> "
            "stock_adjusted_v0",
            id="in a loop",
        ),
    ],
)
def test_upcasters_must_lead_to_a_type_the_service_reads(
    upcasters: dict[str, Upcaster], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        EnvelopeReader(events={"stock_adjusted_v2": StockAdjusted}, upcasters=upcasters)
