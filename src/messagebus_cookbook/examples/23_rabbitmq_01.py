"""A RabbitMQ node of the tests' own: free ports, a data folder of its own."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Debian and Ubuntu keep the server's own script here, and put a wrapper on
# PATH that runs it as the rabbitmq user; elsewhere, the script is on PATH.
DEBIAN_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
NOT_INSTALLED = (
    "RabbitMQ is not installed: on Debian or Ubuntu, install the package "
    "rabbitmq-server (sudo apt-get install rabbitmq-server); on macOS, "
    "brew install rabbitmq; or give the tests a broker in TEST_RABBITMQ_URL"
)
# Seconds a node may take to start, or to stop.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


def free_ports(count: int) -> list[int]:
    """TCP ports of the loopback that nothing listens on, now, all different."""
    with contextlib.ExitStack() as probes:
        ports = []
        for _ in range(count):
            probe = probes.enter_context(socket.socket())
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
        return ports


def free_port() -> int:
    """A TCP port of the loopback that nothing listens on, now."""
    [port] = free_ports(1)
    return port


def listens(port: int) -> bool:
    with (
        contextlib.suppress(OSError),
        socket.create_connection(("127.0.0.1", port), timeout=1),
    ):
        return True
    return False


def wait_until_listening(port: int, process: "subprocess.Popen[bytes]") -> bool:
    """Whether the process listens on the port within START_TIMEOUT."""
    deadline = time.monotonic() + START_TIMEOUT
    while not listens(port):
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def group_runs(group: int) -> bool:
    """Whether any process of the group still runs."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def executable(name: str, debian: Path) -> str:
    found = str(debian) if debian.exists() else shutil.which(name)
    if found is None:
        raise RuntimeError(NOT_INSTALLED)
    return found


@dataclass
class RabbitMQNode:
    """One RabbitMQ node, and the Erlang port mapper it registers with."""

    folder: Path
    # The node's, its port mapper's, and the one of Erlang's distribution.
    ports: list[int] = field(default_factory=lambda: free_ports(3))
    process: "subprocess.Popen[bytes] | None" = None
    epmd: "subprocess.Popen[bytes] | None" = None

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def environment(self) -> dict[str, str]:
        (self.folder / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
        )
        (self.folder / "enabled_plugins").write_text("[].\n")
        return {
            **os.environ,
            # Erlang writes its cookie in the home folder: the node's own.
            "HOME": str(self.folder),
            "ERL_EPMD_PORT": str(self.ports[1]),
            "RABBITMQ_NODENAME": f"tests-{self.port}@localhost",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.ports[2]),
            "RABBITMQ_CONFIG_FILE": str(self.folder / "rabbitmq"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self.folder / "data"),
            "RABBITMQ_LOG_BASE": str(self.folder / "logs"),
            "RABBITMQ_PID_FILE": str(self.folder / "rabbitmq.pid"),
            # The port mapper is ours, started and stopped with the node.
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-start_epmd false",
        }

    def start(self) -> None:
        environment = self.environment()
        if self.epmd is None:
            epmd = executable("epmd", Path("/usr/bin/epmd"))
            self.epmd = subprocess.Popen(
                [epmd, "-port", str(self.ports[1])],
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if not wait_until_listening(self.ports[1], self.epmd):
                raise RuntimeError("Erlang's port mapper (epmd) did not start")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [executable("rabbitmq-server", DEBIAN_SERVER)],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                # A group of its own: the script starts the Erlang node as its
                # child, which the stop waits for too.
                start_new_session=True,
            )
        if not wait_until_listening(self.port, self.process):
            self.stop()
            raise RuntimeError(f"RabbitMQ did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        """SIGTERM to the node: it closes its queues, and writes them down.

        It returns once the script and the Erlang node it started have
        ended; after STOP_TIMEOUT, both are killed, and the stop fails.
        """
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        # The script ends first, reaped here; the node ends a moment later.
        while self.process.poll() is None or group_runs(self.process.pid):
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                raise subprocess.TimeoutExpired(self.process.args, STOP_TIMEOUT)
            time.sleep(0.05)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        try:
            self.stop()
        finally:
            if self.epmd is not None:
                self.epmd.kill()
                self.epmd.wait()


@contextlib.contextmanager
def rabbitmq_node() -> Iterator[RabbitMQNode]:
    """A RabbitMQ node until the block ends, with a data folder of its own."""
    with tempfile.TemporaryDirectory() as folder:
        node = RabbitMQNode(Path(folder))
        try:
            node.start()
            yield node
        finally:
            node.close()
