"""python scripts/start.py: the whole system, for development, in one command.

It migrates both databases, declares the broker's exchanges and queues,
then starts every process of the Procfile with honcho, until Ctrl+C. Each
step runs with the variables of your ``.env``, as honcho gives them to
the processes. A step that fails stops it there, with its status.
"""

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence

# What the processes need before they start, in order.
STEPS = [
    ["alembic", "upgrade", "head"],
    ["alembic", "-n", "reviews", "upgrade", "head"],
    ["python", "-m", "reading_club.entrypoints.topology"],
    ["python", "-m", "reviews.entrypoints.topology"],
]
# Seconds a step may take: a migration, or a broker that does not answer.
STEP_TIMEOUT = 120


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python scripts/start.py",
        description="Migrate both databases, declare the broker's topology, "
        "then run every process of the Procfile until Ctrl+C.",
    )
    parser.add_argument(
        "--env", default=".env", help="the variables' file (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="the club's API; each process type gets the next hundred "
        "(default: %(default)s)",
    )
    arguments = parser.parse_args(argv)
    honcho = [sys.executable, "-m", "honcho"]
    for step in STEPS:
        print(f"$ {shlex.join(step)}", flush=True)
        try:
            done = subprocess.run(
                [*honcho, "run", "--env", arguments.env, *step], timeout=STEP_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            parser.exit(
                1, f"{parser.prog}: {shlex.join(step)} took over {STEP_TIMEOUT} s\n"
            )
        if done.returncode != 0:
            parser.exit(
                done.returncode,
                f"{parser.prog}: {shlex.join(step)} failed: nothing started\n",
            )
    # honcho takes this process's place: Ctrl+C and SIGTERM reach it.
    # Unbuffered (-u): buffered, honcho crashes on a signal that comes while
    # it prints a line ("reentrant call"), and leaves its processes running.
    start = [sys.executable, "-u", "-m", "honcho", "start", "--env", arguments.env]
    start += ["--port", str(arguments.port)]
    os.execv(sys.executable, start)


if __name__ == "__main__":
    raise SystemExit(main())
