"""The rule of the unit tiers: a test of a ``unit`` folder takes no server."""

from collections.abc import Iterable
from pathlib import Path

TESTS = Path(__file__).parent

# The servers of the kit; every fixture that needs one asks for one of these.
SERVERS = frozenset(
    {"postgresql_server", "restartable_postgresql", "broker_url", "rabbitmq_server"}
)


def servers_of_a_unit_test(path: Path, fixtures: Iterable[str]) -> list[str]:
    """The servers that the test at ``path`` asks for, if it is a unit test.

    ``fixtures`` are all the fixtures the test takes, those of its fixtures
    included, as pytest lists them.
    """
    if "unit" not in path.relative_to(TESTS).parts:
        return []
    return sorted(SERVERS.intersection(fixtures))
