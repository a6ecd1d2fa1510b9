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


def free_port() -> int:
    """A TCP port of the loopback that nothing listens on, now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def executable(name: str, debian: Path) -> str:
    found = str(debian) if debian.exists() else shutil.which(name)
    if found is None:
        raise RuntimeError(NOT_INSTALLED)
    return found


@dataclass
class RabbitMQNode:
    """One RabbitMQ node, and the Erlang port mapper it registers with."""

    folder: Path
    port: int = field(default_factory=free_port)
    epmd_port: int = field(default_factory=free_port)
    dist_port: int = field(default_factory=free_port)
    process: "subprocess.Popen[bytes] | None" = None
    epmd: "subprocess.Popen[bytes] | None" = None

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
            "ERL_EPMD_PORT": str(self.epmd_port),
            "RABBITMQ_NODENAME": f"tests-{self.port}@localhost",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
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
            self.epmd = subprocess.Popen(
                [
                    executable("epmd", Path("/usr/bin/epmd")),
                    "-port",
                    str(self.epmd_port),
                ],
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [executable("rabbitmq-server", DEBIAN_SERVER)],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not self.listens():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"RabbitMQ did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def listens(self) -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=1),
        ):
            return True
        return False

    def stop(self) -> None:
        """SIGTERM to the node: it closes its queues, and writes them down."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        try:
            self.stop()
        finally:
            if self.epmd is not None:
                self.epmd.terminate()
                self.epmd.wait(STOP_TIMEOUT)


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
