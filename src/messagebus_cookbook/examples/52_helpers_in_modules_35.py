import asyncio
import os
import sys

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from idempotent_consumer.consumer import Consumer, Outcome
from idempotent_consumer.envelopes import UnreadableEnvelope
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.processes import PROJECT
from tests.reviews.tables import rows


async def test_a_dead_letter_is_handled_again_once_its_cause_is_fixed(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    await consumer.keep_as_dead_letter(envelope, "RuntimeError: a bug, since fixed")

    outcome = await consumer.rehandle(1)
    found = await rows(reviews_engine)

    assert outcome is Outcome.handled
    assert [book["title"] for book in found["books"]] == ["Domain Driven Design"]
    assert len(found["inbox"]) == 1
    assert found["dead_letters"] == []


async def test_a_dead_letter_whose_effect_is_done_goes_as_a_duplicate(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    await consumer.consume(envelope)
    await consumer.keep_as_dead_letter(envelope, "RuntimeError: a bug, since fixed")

    outcome = await consumer.rehandle(1)
    found = await rows(reviews_engine)

    assert outcome is Outcome.duplicate
    assert len(found["books"]) == 1
    assert found["dead_letters"] == []


async def test_a_dead_letter_that_still_fails_stays(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    unreadable = {**envelope, "payload": "not JSON"}
    await consumer.keep_as_dead_letter(unreadable, "UnreadableEnvelope: ...")

    with pytest.raises(UnreadableEnvelope):
        await consumer.rehandle(1)
    found = await rows(reviews_engine)

    assert found["books"] == []
    assert [letter["envelope"] for letter in found["dead_letters"]] == [unreadable]


async def test_there_is_nothing_to_handle_where_there_is_no_dead_letter(
    consumer: Consumer[AbstractUnitOfWork],
) -> None:
    with pytest.raises(LookupError, match="no dead letter at position 1"):
        await consumer.rehandle(1)


@pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True)
async def test_the_command_handles_again_the_dead_letters_of_a_type(
    envelope: dict[str, str],
    envelope_v1: dict[str, str],
    reviews_database: str,
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    unreadable = {**envelope, "id": "0190f3e4-8a4b-7c1e-9a7e-3f5b2c1d0e03"}
    unreadable["payload"] = "not JSON"
    for kept in (envelope, envelope_v1, unreadable):
        await consumer.keep_as_dead_letter(kept, "RuntimeError: a bug, since fixed")
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("REVIEWS_")
    }
    environment["REVIEWS_DATABASE_URL"] = reviews_database

    command = await asyncio.create_subprocess_exec(
        sys.executable,
        *(
            "-m",
            "reviews.entrypoints.dead_letters",
            "--retry",
            "--type",
            "book_registered_v2",
        ),
        cwd=PROJECT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        printed, _ = await asyncio.wait_for(command.communicate(), timeout=30)
    except asyncio.TimeoutError:
        command.kill()
        raise
    found = await rows(reviews_engine)

    assert printed.decode().splitlines() == [
        f"1 book_registered_v2 {envelope['id']}: handled",
        f"3 book_registered_v2 {unreadable['id']}: still dead: "
        "UnreadableEnvelope: book_registered_v2 does not validate: "
        "JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        "1 dead letter left",
    ]
    assert command.returncode == 1
    assert [letter["position"] for letter in found["dead_letters"]] == [2, 3]
