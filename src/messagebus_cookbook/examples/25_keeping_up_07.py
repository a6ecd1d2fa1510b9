"""A port where honcho can start the processes of a Procfile."""

import random
import socket
from pathlib import Path

# The system gives outgoing connections ports from 32768 up (Linux; 49152
# on macOS): a port below can't be taken by a client while a test runs.
LOWEST, HIGHEST = 10000, 32000


def procfile_port(procfile: Path) -> int:
    """A port for ``honcho start --port``, with every port it leads to free.

    honcho gives each process the next hundred; the web serves its metrics
    on its own port + 1.
    """
    processes = len(procfile.read_text().splitlines())
    while True:
        port = random.randrange(LOWEST, HIGHEST - 100 * processes)
        wanted = [port, port + 1, *(port + 100 * n for n in range(1, processes))]
        if all(is_free(each) for each in wanted):
            return port


def is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
