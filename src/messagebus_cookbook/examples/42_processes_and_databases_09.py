"""The processes of a Procfile start, are read by name, and all stop."""

import os
import sys
import time
from pathlib import Path

import pytest

from tests.real_servers.procfile import procfile_started, running

# Two processes that print their port, then wait, and end on SIGTERM;
# the scanner of the second Procfile ignores SIGTERM.
PROCFILE = """\
counter: exec python -c "{stops}" counting
scanner: exec python -c "{stops}" scanning
"""
STUBBORN_PROCFILE = """\
counter: exec python -c "{stops}" counting
scanner: exec python -c "{ignores}" scanning
"""
PRINT_AND_WAIT = (
    "print(sys.argv[1], 'on', os.environ['PORT'], flush=True); time.sleep(60)"
)
STOPS = (
    "import os, signal, sys, time; "
    "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0)); " + PRINT_AND_WAIT
)
IGNORES = (
    "import os, signal, sys, time; "
    "signal.signal(signal.SIGTERM, signal.SIG_IGN); " + PRINT_AND_WAIT
)


def written(folder: Path, procfile: str) -> Path:
    path = folder / "Procfile"
    path.write_text(procfile.format(stops=STOPS, ignores=IGNORES))
    return path


@pytest.fixture
def procfile(tmp_path: Path) -> Path:
    return written(tmp_path, PROCFILE)


@pytest.fixture
def environment() -> dict[str, str]:
    """The tests' python first on PATH, and nothing else."""
    return {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin:/bin"])
    }


def test_each_process_starts_on_its_own_port(
    procfile: Path, environment: dict[str, str]
) -> None:
    with procfile_started(procfile, environment) as processes:
        counter = processes.output.wait_for("counting on", 10, by="counter")
        scanner = processes.output.wait_for("scanning on", 10, by="scanner")

    assert counter.endswith(f"counting on {processes.port}")
    assert scanner.endswith(f"scanning on {processes.port + 100}")


def test_terminated_each_process_ends_on_sigterm_and_honcho_after(
    procfile: Path, environment: dict[str, str]
) -> None:
    with procfile_started(procfile, environment) as processes:
        processes.output.wait_for("counting on", 10, by="counter")
        processes.output.wait_for("scanning on", 10, by="scanner")
        processes.terminate()
        printed = processes.output.rest(timeout=5)

    assert "counter.1 stopped (rc=0)" in printed
    assert "scanner.1 stopped (rc=0)" in printed


def test_a_process_that_ignores_sigterm_is_killed_and_nothing_is_left(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    procfile = written(tmp_path, STUBBORN_PROCFILE)
    with procfile_started(procfile, environment) as processes:
        pids = [processes.wait_until_started(name) for name in ("counter", "scanner")]
        processes.output.wait_for("scanning on", 10, by="scanner")
        stopping = time.monotonic()
        processes.stop(timeout=0.5)
        stopped_in = time.monotonic() - stopping

    assert not any(running(pid) for pid in pids)
    # No process is left to hold honcho's output open.
    processes.output.rest(timeout=1)
    assert processes.output.ended
    # SIGTERM's grace, then SIGKILL: not honcho's own five seconds.
    assert stopped_in < 3


def test_a_stop_right_after_the_start_leaves_nothing_running(
    procfile: Path, environment: dict[str, str]
) -> None:
    with procfile_started(procfile, environment) as processes:
        pass

    assert sorted(processes.pids) == ["counter", "scanner"]
    assert not any(running(pid) for pid in processes.pids.values())
    processes.output.rest(timeout=1)
    assert processes.output.ended


def test_a_line_that_never_comes_fails_with_what_was_printed(
    procfile: Path, environment: dict[str, str]
) -> None:
    with procfile_started(procfile, environment) as processes:
        processes.output.wait_for("counting on", 10, by="counter")
        with pytest.raises(pytest.fail.Exception) as failed:
            processes.output.wait_for("counted", 0.2, by="counter")

    assert "not 1 lines with 'counted' in:" in str(failed.value)
    assert "counting on" in str(failed.value)
