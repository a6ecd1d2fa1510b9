"""Caches that replays share across chapters and runs, one set per process.

A process of a test run (an xdist worker) replays its chapters one after
the other, never two at once: they can share a folder of caches, which the
process claims and locks until it exits.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path


class SharedCaches:
    """Caches that replays share across chapters and runs, one set per process.

    Each process of a run (each xdist worker) claims a folder of its own and
    holds its lock until it exits; a folder another run holds is skipped.
    The chapters a process replays run one after the other, never at once,
    so they can share what is in that folder:

    - the mypy cache: mypy rechecks every module whose source, options or
      dependencies differ from what the cache holds, so it prints what a
      cold run prints, in a fraction of the time;
    - the folder of the reader's project, always at the same path, so that
      the bytecode of the venv's packages compiled by one chapter serves the
      next (one bytecode cache per version of the constraints file).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder: Path | None = None

    @property
    def claimed(self) -> Path:
        if self.folder is None:
            self.folder = self.claim()
        return self.folder

    @property
    def mypy(self) -> Path:
        return self.claimed / "mypy"

    def pycache(self, constraints: Path | None) -> Path:
        pinned = constraints.read_bytes() if constraints else b""
        return self.claimed / f"pycache-{hashlib.sha256(pinned).hexdigest()[:12]}"

    def project_parent(self) -> Path | None:
        """The folder of the reader's project; None while an earlier one is there."""
        parent = self.claimed / "replay"
        if parent.exists() and any(parent.iterdir()):
            return None
        parent.mkdir(exist_ok=True)
        return parent

    def claim(self) -> Path:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        for attempt in range(8):
            folder = self.root / f"{worker}-{attempt}"
            folder.mkdir(parents=True, exist_ok=True)
            lock = (folder / "lock").open("w")
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                continue
            # Held until the process exits, when the system releases it.
            atexit.register(lock.close)
            # What a run that died left of its project.
            shutil.rmtree(folder / "replay", ignore_errors=True)
            return folder
        folder = Path(tempfile.mkdtemp(prefix="reader-caches-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return folder


CACHES = SharedCaches(Path(tempfile.gettempdir()) / "cookbook-replay-caches")
