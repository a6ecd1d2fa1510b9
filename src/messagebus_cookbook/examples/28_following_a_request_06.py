import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from structured_logs.formatting import JsonLines


class KeptLines(logging.Handler):
    """Each line as the processes write it, read back from its JSON."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonLines())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[list[dict[str, Any]]]:
    """The lines logged during the test, at INFO and above, as JSON objects."""
    handler = KeptLines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
