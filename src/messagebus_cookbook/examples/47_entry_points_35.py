"""python -m tests.reviews.dying_worker MARKER: a reviews worker that dies once.

Its process dies after the effect of its first task is committed, and
before the broker hears of it: the worst moment for an envelope.
"""

import os
import signal
import sys
from pathlib import Path
from typing import Any

from celery.signals import task_postrun

from reviews.entrypoints.worker import main


def die_once(marker: Path) -> None:
    @task_postrun.connect(weak=False)
    def die(**_: Any) -> None:
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    die_once(Path(sys.argv[1]))
    raise SystemExit(main(["--concurrency", "1"]))
