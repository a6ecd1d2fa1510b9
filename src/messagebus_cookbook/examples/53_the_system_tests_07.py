"""A unit test that asks for a server, even through a fixture, is refused."""

from tests.tiers import TESTS, servers_of_a_unit_test


def test_a_unit_test_takes_no_server() -> None:
    unit_test = TESTS / "reading_club" / "unit" / "test_bus.py"

    assert servers_of_a_unit_test(unit_test, ["book", "bus"]) == []
    assert servers_of_a_unit_test(
        unit_test, ["engine", "postgresql_engine", "postgresql_server", "broker_url"]
    ) == ["broker_url", "postgresql_server"]


def test_the_other_tiers_take_servers() -> None:
    for test in (
        TESTS / "reading_club" / "integration" / "test_web.py",
        TESTS / "end_to_end" / "test_processes.py",
    ):
        assert servers_of_a_unit_test(test, ["postgresql_server"]) == []
    assert servers_of_a_unit_test(TESTS / "test_topology.py", ["broker_url"]) == []
