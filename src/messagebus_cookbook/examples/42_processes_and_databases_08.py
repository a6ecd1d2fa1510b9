"""The processes of a Procfile, started by honcho as a developer starts them."""

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.real_servers.ports import procfile_port

# Seconds a process may take to start, and the processes to stop on SIGTERM.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
# What honcho prints when it starts a process: its name and its pid.
STARTED = re.compile(r" (\S+)\.1 started \(pid=(\d+)\)")


class Output:
    """The lines a process prints, read in a thread as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.ended = False
        self._queue: queue.Queue[str | None] = queue.Queue()
        # A daemon: a process left running keeps the pipe open, not the tests.
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        # Closed at its end: the pipe is the tests' to close, not the process's.
        with process.stdout:
            for line in process.stdout:
                self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float, by: str = "", times: int = 1) -> str:
        """The times-th line with ``text``, printed by process ``by`` if given."""
        line = self.find(text, timeout, by, times)
        if line is None:
            pytest.fail(
                f"not {times} lines with {text!r} in:\n" + "\n".join(self.lines)
            )
        return line

    def find(
        self, text: str, timeout: float, by: str = "", times: int = 1
    ) -> str | None:
        """As ``wait_for``, but None when the line does not come."""
        deadline = time.monotonic() + timeout
        seen = found = 0
        while True:
            for line in self.lines[seen:]:
                if text in line and (not by or f" {by}.1 " in line):
                    found += 1
                    if found == times:
                        return line
            seen = len(self.lines)
            if not self._read_more(deadline):
                return None

    def rest(self, timeout: float) -> str:
        """Everything printed until the output ends, or for ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self._read_more(deadline):
            pass
        return "\n".join(self.lines)

    def read_available(self) -> None:
        """Keep the lines printed so far, without waiting for more."""
        while not self.ended:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return
            if line is None:
                self.ended = True
            else:
                self.lines.append(line)

    def _read_more(self, deadline: float) -> bool:
        """Keep the next line; False when the output has ended or time is up."""
        if self.ended:
            return False
        try:
            line = self._queue.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            return False
        if line is None:
            self.ended = True
            return False
        self.lines.append(line)
        return True


@dataclass
class Processes:
    """honcho running a Procfile: its output, its port, its processes' names."""

    honcho: subprocess.Popen[str]
    output: Output
    port: int
    names: Sequence[str]

    @property
    def pids(self) -> dict[str, int]:
        """The pid of each process that honcho has said it started."""
        self.output.read_available()
        return {
            found[1]: int(found[2])
            for line in self.output.lines
            if (found := STARTED.search(line))
        }

    def wait_until_started(self, name: str, timeout: float = START_TIMEOUT) -> int:
        """Wait for honcho to start the process ``name``; its pid."""
        self.output.wait_for(f" {name}.1 started (pid=", timeout)
        return self.pids[name]

    def terminate(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM to honcho, which sends it to each process; wait for its end.

        Once honcho has started them all: a SIGTERM before crashes it
        (``KeyError: 'pid'``), and leaves running those it started.
        """
        deadline = time.monotonic() + timeout
        for name in self.names:
            started = f" {name}.1 started (pid="
            if not self.output.find(started, max(deadline - time.monotonic(), 0)):
                break
        self.honcho.send_signal(signal.SIGTERM)
        self.honcho.wait(timeout=timeout)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Terminate, then SIGKILL whatever is left after ``timeout``.

        It returns once no process is left running.
        """
        if self.honcho.poll() is None:
            try:
                self.terminate(timeout)
            except subprocess.TimeoutExpired:
                self.honcho.kill()
                self.honcho.wait()
        pids = self.pids
        for pid in pids.values():
            # honcho starts each process in a group of its own: its children too.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while left := [name for name, pid in pids.items() if running(pid)]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"still running after SIGKILL: {', '.join(left)}")
            time.sleep(0.01)


def running(pid: int) -> bool:
    """Whether the process runs; a zombie, ended but not yet reaped, does not."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc").is_dir():
        try:
            # The state follows the command's name, in parentheses.
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (FileNotFoundError, ProcessLookupError):
            # Gone before the file was opened, or while it was read.
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def started(
    command: Sequence[str], environment: Mapping[str, str], folder: Path
) -> subprocess.Popen[str]:
    """A command run in ``folder``, its output read line by line, errors included."""
    return subprocess.Popen(
        command,
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def procfile_names(procfile: Path) -> list[str]:
    """The names of the processes of ``procfile``, in its order."""
    lines = procfile.read_text().splitlines()
    return [line.split(":", 1)[0].strip() for line in lines if ":" in line]


def honcho_start(procfile: Path, port: int) -> list[str]:
    """``honcho start`` of ``procfile``, from ``port``, without any ``.env``."""
    return [
        sys.executable,
        # Unbuffered: honcho prints in its handler of SIGTERM, and a signal
        # that comes while it prints another line would crash it, buffered
        # ("reentrant call"), leaving every process running.
        "-u",
        "-m",
        "honcho",
        "start",
        "--no-colour",
        "--procfile",
        str(procfile),
        "--env",
        os.devnull,
        "--port",
        str(port),
    ]


@contextlib.contextmanager
def procfile_started(
    procfile: Path, environment: Mapping[str, str], folder: Path | None = None
) -> Iterator[Processes]:
    """Every process of ``procfile`` until the block ends, then none.

    They run in ``folder``, or the Procfile's, with ``environment`` only,
    from a port whose hundreds are free.
    """
    procfile = procfile.resolve()
    port = procfile_port(procfile)
    honcho = started(
        honcho_start(procfile, port), environment, folder or procfile.parent
    )
    processes = Processes(honcho, Output(honcho), port, procfile_names(procfile))
    try:
        yield processes
    finally:
        processes.stop()
