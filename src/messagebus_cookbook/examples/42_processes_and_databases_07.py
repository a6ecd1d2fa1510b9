"""A port where honcho can start the processes of a Procfile."""

import random
import socket
from pathlib import Path

# The system gives outgoing connections ports from 32768 up (Linux; 49152
# on macOS): a port below can't be taken by a client while a test runs.
LOWEST, HIGHEST = 10000, 32000


def procfile_port(procfile: Path) -> int:
    """A port for ``honcho start --port``, with every port it leads to free.

    honcho gives each process the next hundred; a web serves its metrics
    on its own port + 1.
    """
    processes = len(procfile.read_text().splitlines())
    while True:
        port = random.randrange(LOWEST, HIGHEST - 100 * processes)
        wanted = [port + 100 * n + plus for n in range(processes) for plus in (0, 1)]
        if all(is_free(each) for each in wanted):
            return port


def is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port of the loopback that no process listens on, as the system picks it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
