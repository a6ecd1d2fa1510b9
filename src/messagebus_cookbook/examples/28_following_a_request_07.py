import asyncio
import json
import logging
import sys
from datetime import datetime
from typing import Any

from structured_logs.context import annotate, bound, correlation_id, current
from structured_logs.formatting import JsonLines, TextLines

logger = logging.getLogger("reading_club.tests")


def a_record(message: str, **extra: Any) -> logging.LogRecord:
    return logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, message, (), None, extra=extra
    )


def test_a_line_is_one_json_object(log_lines: list[dict[str, Any]]) -> None:
    logger.info("registered %s", "Domain Driven Design")

    [line] = log_lines
    assert datetime.fromisoformat(line.pop("time")).utcoffset() is not None
    assert line == {
        "level": "INFO",
        "logger": "reading_club.tests",
        "message": "registered Domain Driven Design",
    }


def test_the_lines_of_a_block_carry_its_fields(
    log_lines: list[dict[str, Any]],
) -> None:
    with bound(correlation_id="request-1"):
        with bound(aggregate_id="book-1"):
            logger.info("inner")
        logger.info("outer")
    logger.info("after")

    assert [(line["message"], line.get("correlation_id")) for line in log_lines] == [
        ("inner", "request-1"),
        ("outer", "request-1"),
        ("after", None),
    ]
    assert [line.get("aggregate_id") for line in log_lines] == ["book-1", None, None]


async def test_what_a_block_learns_midway_reaches_its_later_lines(
    log_lines: list[dict[str, Any]],
) -> None:
    with bound(correlation_id="request-1"):
        logger.info("before")
        # As a FastAPI dependency does, in a thread of its own.
        await asyncio.to_thread(annotate, aggregate_id="book-1")
        logger.info("after")
        assert correlation_id() == "request-1"

    assert [line.get("aggregate_id") for line in log_lines] == [None, "book-1"]
    # Outside a block, there is nothing to add to, and nothing happens.
    annotate(aggregate_id="book-2")
    assert current() == {}


def test_an_extra_is_a_field_and_uvicorns_colours_are_not() -> None:
    record = a_record(
        "sent", message_id="message-1", color_message="\x1b[32msent\x1b[0m"
    )

    line = json.loads(JsonLines().format(record))

    assert line["message_id"] == "message-1"
    assert "color_message" not in line


def test_a_traceback_stays_on_the_line_of_its_error() -> None:
    try:
        raise LookupError("no book with this id")
    except LookupError:
        record = a_record("the book could not be read")
        record.exc_info = sys.exc_info()

    text = JsonLines().format(record)

    assert "\n" not in text
    assert "LookupError: no book with this id" in json.loads(text)["exception"]


def test_a_text_line_is_for_a_person() -> None:
    record = a_record("received", message_id="message-1")

    with bound(correlation_id="request-1"):
        text = TextLines().format(record)

    assert text.endswith(
        " INFO reading_club.tests: received"
        " correlation_id=request-1 message_id=message-1"
    )
