"""A worker's event loop: one per process, kept from one task to the next."""

import asyncio
import multiprocessing

from idempotent_consumer.event_loop import ProcessEventLoop


async def running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def test_every_coroutine_of_a_process_runs_on_one_loop() -> None:
    event_loop = ProcessEventLoop()

    first = event_loop.run(running_loop())

    assert event_loop.run(running_loop()) is first
    event_loop.close()


def test_closing_awaits_what_closes_then_closes_the_loop() -> None:
    event_loop = ProcessEventLoop()
    closed: list[str] = []

    async def dispose() -> None:
        closed.append("engine")

    event_loop.on_close(dispose)
    loop = event_loop.run(running_loop())
    event_loop.close()

    assert closed == ["engine"]
    assert loop.is_closed()


def test_a_loop_that_never_ran_closes_nothing() -> None:
    event_loop = ProcessEventLoop()
    closed: list[str] = []

    async def dispose() -> None:
        closed.append("engine")

    event_loop.on_close(dispose)
    event_loop.close()

    assert closed == []


def make_a_loop_in_a_fork(
    event_loop: ProcessEventLoop, parents: asyncio.AbstractEventLoop
) -> None:
    """In a forked process: exit 0 if it makes a loop of its own."""
    own = event_loop.run(running_loop())
    event_loop.close()
    raise SystemExit(0 if own is not parents else 1)


def test_a_forked_process_makes_a_loop_of_its_own() -> None:
    event_loop = ProcessEventLoop()
    parents = event_loop.run(running_loop())
    # Forked, the process gets the loop as it is, without pickling it.
    child = multiprocessing.get_context("fork").Process(
        target=make_a_loop_in_a_fork, args=(event_loop, parents)
    )

    child.start()
    child.join(timeout=10)
    if child.is_alive():
        child.kill()

    assert child.exitcode == 0
    # The child closed its loop, not its parent's.
    assert event_loop.run(running_loop()) is parents
    event_loop.close()
