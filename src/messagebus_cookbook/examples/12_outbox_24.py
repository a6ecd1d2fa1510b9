from importlib.metadata import requires


def test_production_installs_celery_with_its_redis_client() -> None:
    """What ``pip install .`` installs: the requirements without an extra."""
    runtime = [
        requirement
        for requirement in requires("reading-club") or []
        if "extra ==" not in requirement
    ]
    assert [name for name in runtime if name.startswith("celery")] == [
        "celery[redis]>=5.4"
    ]
