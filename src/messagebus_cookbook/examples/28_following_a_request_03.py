"""The fields that every log line of a piece of work carries."""

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar

# The fields of the innermost block: a dict of its own for each block, so
# that the tasks and threads the block starts add to it, not to another's.
_fields: ContextVar[dict[str, str] | None] = ContextVar("log_fields", default=None)


def current() -> Mapping[str, str]:
    """The fields bound here: each log line written now carries them."""
    return dict(_fields.get() or {})


@contextlib.contextmanager
def bound(**fields: str) -> Iterator[None]:
    """Within the block, each log line carries these fields, and the outer ones."""
    token = _fields.set({**(_fields.get() or {}), **fields})
    try:
        yield
    finally:
        _fields.reset(token)


def annotate(**fields: str) -> None:
    """Add fields to the innermost block, for its lines still to come.

    For what is learned along the way: a request knows the id of the book it
    registers only once its body is read. Outside a block, nothing happens:
    the log lines lose a field, never the work its result.
    """
    innermost = _fields.get()
    if innermost is not None:
        innermost.update(fields)


def correlation_id() -> str | None:
    """The correlation id of the work in hand, if it has one."""
    return (_fields.get() or {}).get("correlation_id")
