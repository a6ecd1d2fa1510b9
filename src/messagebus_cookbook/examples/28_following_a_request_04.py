"""Log lines as JSON, an object a line, or as text for a person reading them."""

import json
import logging
from datetime import datetime, timezone
from typing import Literal

from structured_logs.context import current

LogFormat = Literal["json", "text"]

# What every log record has: whatever else it has was given as ``extra``.
# uvicorn repeats some messages in colour, as ``color_message``: not a field.
RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "color_message",
}


def fields_of(record: logging.LogRecord) -> dict[str, object]:
    """The bound fields when the line was written, and those given as ``extra``."""
    extra = {
        name: value
        for name, value in vars(record).items()
        if name not in RECORD_ATTRIBUTES and not name.startswith("_")
    }
    return {**current(), **extra}


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **fields_of(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # A value JSON has no type for (an id, a path) is written as its text.
        return json.dumps(line, default=str)


class TextLines(logging.Formatter):
    """A line for a person: time, level, logger, message, then key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(
            f"{name}={value}" for name, value in fields_of(record).items()
        )
        if not fields:
            return line
        # The traceback, if any, stays last: the fields go on the first line.
        first, newline, rest = line.partition("\n")
        return f"{first} {fields}{newline}{rest}"


def configure(log_format: LogFormat, level: int | str = logging.INFO) -> None:
    """Write every log line of the process to stderr, in this format."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if log_format == "json" else TextLines())
    logging.basicConfig(handlers=[handler], level=level, force=True)
