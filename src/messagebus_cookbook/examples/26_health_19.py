"""What a supervisor runs to check a process: ``python -m MODULE --check``."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).parents[1]
# A Redis socket where no server listens.
NO_BROKER = "redis+socket:///nonexistent/redis.sock"


def check(module: str, **settings: str) -> tuple[int, str]:
    """Run ``python -m MODULE --check`` with these settings only: status, output."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("READING_CLUB_", "REVIEWS_"))
    }
    done = subprocess.run(
        [sys.executable, "-m", module, "--check"],
        cwd=PROJECT,
        env=environment | settings,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.returncode, done.stdout
