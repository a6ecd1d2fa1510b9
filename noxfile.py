"""Every task of the cookbook: ``nox -l`` lists them, the README explains them."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
# uv must use the interpreters installed here, never download one.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
nox.options.sessions = ["tests", "docs", "lint", "typecheck"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
READER_CONSTRAINTS = ROOT / "requirements" / "reader.txt"
BUILD = ROOT / "_build"
PYTHON = "3.11"
READER_PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
# The benchmarks the chapters show, by name, run in the reader's project.
BENCHMARKS = {
    "relay": "benchmarks/relay.py",
    "reviews": "benchmarks/reviews_worker.py",
    "rebuild": "benchmarks/rebuild.py",
    "load": "benchmarks/load.py",
}


def install(
    session: nox.Session, *groups: str, constraints: Path = CONSTRAINTS
) -> None:
    """Install dependency groups of pyproject.toml at their locked versions."""
    requirements = {
        requirement
        for group in groups
        for requirement in nox.project.dependency_groups(PYPROJECT, group)
    }
    # Bytecode compiled once at install: this machine and many CI images set
    # PYTHONDONTWRITEBYTECODE, and then every run would compile Sphinx anew.
    session.install(
        "-c", str(constraints), *sorted(requirements), env={"UV_COMPILE_BYTECODE": "1"}
    )


def cookbook(session: nox.Session, *args: str) -> None:
    """Run the cookbook's own command line (export, history, chapters)."""
    session.run("python", "-m", "messagebus_cookbook", *args, env={"PYTHONPATH": "src"})


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Replay every chapter and run the engine's tests.

    nox -s tests -- cookbook/06-eventstream.rst   one chapter
    nox -s tests -- --update-examples             rewrite console outputs
    """
    install(session, "tests")
    args = session.posargs or ["tests", "cookbook"]
    session.run("pytest", *workers(args), *args)


def workers(args: list[str]) -> list[str]:
    """Parallel workers, one chapter each; none for a single file.

    A chapter replays in order on one worker anyway: for one file, starting
    workers would only add their start-up to the run.
    """
    if any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in args):
        # Workers asked for: each chapter still replays whole, on one of them.
        chosen = any(arg == "-d" or arg.startswith("--dist") for arg in args)
        return [] if chosen else ["--dist", "loadfile"]
    files = [
        arg.split("::")[0]
        for arg in args
        if not arg.startswith("-") and (ROOT / arg.split("::")[0]).exists()
    ]
    if len(set(files)) == 1 and (ROOT / files[0]).is_file():
        return ["-n", "0"]
    return ["-n", "auto", "--dist", "loadfile"]


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the HTML docs; warnings (nitpicky) are errors."""
    install(session, "docs")
    html = BUILD / "html"
    session.run(
        "sphinx-build",
        "-W",
        "-n",
        "--keep-going",
        "-b",
        "html",
        ".",
        str(html),
        *session.posargs,
    )
    session.log(f"The cookbook is at {html / 'index.html'}")


@nox.session(python=PYTHON)
def browser(session: nox.Session) -> None:
    """Build the docs, serve them on 127.0.0.1, check them in headless Chromium.

    Needs Debian's chromium (apt-get install chromium); Playwright drives it,
    no browser is downloaded. Screenshots land in _build/screenshots.
    """
    install(session, "browser")
    html = BUILD / "html"
    session.run(
        "sphinx-build", "-W", "-n", "--keep-going", "-q", "-b", "html", ".", str(html)
    )
    session.run(
        "pytest",
        "browser",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"COOKBOOK_HTML": str(html)},
    )
    session.log(f"Screenshots are in {BUILD / 'screenshots'}")


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Preview the docs with live reload on http://127.0.0.1:8000."""
    install(session, "serve")
    session.run(
        "sphinx-autobuild",
        "-n",
        "--watch",
        "src/messagebus_cookbook/examples",
        "--ignore",
        "*/.nox/*",
        "--port",
        "8000",
        ".",
        str(BUILD / "serve"),
        *session.posargs,
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff over the engine and every example file, sphinx-lint over the rst."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run(
        "sphinx-lint",
        "--enable",
        "all",
        "--disable",
        "line-too-long",
        "index.rst",
        "cookbook",
        "recipes",
    )


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the engine, and the reader's project after each chapter."""
    install(session, "lint")
    session.run(
        "mypy",
        "src/messagebus_cookbook",
        "tests",
        "browser",
        "noxfile.py",
        "conftest.py",
    )
    # One mypy cache for every chapter: mypy rechecks what changed since the
    # chapter before, and its output is that of a cold run.
    reader_cache = {"MYPY_CACHE_DIR": str(Path(session.virtualenv.location) / "mypy")}
    for chapter in chapter_numbers():
        with tempfile.TemporaryDirectory(prefix=f"reader-{chapter:02d}-") as folder:
            cookbook(session, "export", str(chapter), folder)
            session.log(f"reader's project after chapter {chapter:02d}")
            with session.chdir(folder):
                checked = [d for d in ("src", "tests") if Path(d).is_dir()]
                session.run("mypy", "--strict", *checked, env=reader_cache)
                # Scripts the pages run, each a module of its own.
                for scripts in ("benchmarks", "scripts"):
                    if Path(scripts).is_dir():
                        session.run("mypy", "--strict", scripts, env=reader_cache)
                # Each Alembic folder has its own env.py: one mypy run each.
                for migrations in sorted(Path().glob("*migrations")):
                    session.run("mypy", "--strict", str(migrations), env=reader_cache)
                session.run("ruff", "check", "--no-cache", ".")
                session.run("ruff", "format", "--check", "--no-cache", ".")


@nox.session(python=PYTHON)
def readers(session: nox.Session) -> None:
    """The reader's project after the last chapter, on each Python 3.10-3.13 here."""
    install(session, "cli")
    last = chapter_numbers()[-1]
    found = {minor: interpreter(minor) for minor in READER_PYTHONS}
    for minor, python in found.items():
        if python is None:
            session.warn(f"Python {minor} is not installed: not tested")
            continue
        with tempfile.TemporaryDirectory(prefix=f"reader-{minor}-") as folder:
            bin_dir = reader_project(session, python, last, Path(folder))
            with session.chdir(folder):
                session.run(
                    str(bin_dir / "pytest"),
                    "-p",
                    "no:cacheprovider",
                    "-q",
                    external=True,
                )
    tested = [minor for minor, python in found.items() if python]
    if not tested:
        session.error("no Python from 3.10 to 3.13 found")
    session.log(f"chapter {last:02d} passes on Python {', '.join(tested)}")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """The chapters' benchmarks, in the reader's own project: all, or one by name.

    nox -s bench; nox -s bench -- reviews --envelopes 500
    """
    install(session, "cli")
    chosen = BENCHMARKS
    arguments = list(session.posargs)
    if arguments and arguments[0] in BENCHMARKS:
        chosen = {arguments[0]: BENCHMARKS[arguments[0]]}
        arguments = arguments[1:]
    elif arguments:
        session.error(f"name a benchmark first: {', '.join(BENCHMARKS)}")
    last = chapter_numbers()[-1]
    python = interpreter(PYTHON)
    if python is None:
        session.error(f"Python {PYTHON} is not installed")
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as folder:
        bin_dir = reader_project(session, python, last, Path(folder))
        with session.chdir(folder):
            for script in chosen.values():
                session.run(str(bin_dir / "python"), script, *arguments, external=True)


def reader_project(
    session: nox.Session, python: str, chapter: int, folder: Path
) -> Path:
    """Export the project after ``chapter`` into ``folder`` and install it."""
    cookbook(session, "export", str(chapter), str(folder))
    venv = folder / ".venv"
    session.run(python, "-m", "venv", str(venv), external=True)
    bin_dir = venv / "bin"
    with session.chdir(folder):
        session.run(
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "-c",
            str(READER_CONSTRAINTS),
            "-e",
            ".[dev]",
            external=True,
        )
    return bin_dir


def interpreter(minor: str) -> str | None:
    """An installed interpreter of that version (PATH, then pyenv), or None."""
    candidates = [shutil.which(f"python{minor}")]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(
        str(path) for path in pyenv_root.glob(f"versions/{minor}.*/bin/python{minor}")
    )
    for candidate in candidates:
        if (
            candidate
            and subprocess.run(
                [candidate, "--version"], capture_output=True, check=False
            ).returncode
            == 0
        ):
            return candidate
    return None


@nox.session(python=PYTHON)
def export(session: nox.Session) -> None:
    """nox -s export -- 3 DIR: the reader's project as it stands after chapter 3."""
    if len(session.posargs) != 2:
        session.error("usage: nox -s export -- CHAPTER DIRECTORY")
    install(session, "cli")
    cookbook(session, "export", *session.posargs)


@nox.session(python=PYTHON)
def history(session: nox.Session) -> None:
    """nox -s history -- tests/conftest.py [--diff OLD NEW]: a file's versions."""
    install(session, "cli")
    cookbook(session, "history", *session.posargs)


@nox.session(python=PYTHON)
def highlights(session: nox.Session) -> None:
    """nox -s highlights [-- --write]: the highlights that miss their change."""
    install(session, "docs")  # the shown part of a file is read as Sphinx does
    cookbook(session, "highlights", *session.posargs)


@nox.session(python=PYTHON)
def lock(session: nox.Session) -> None:
    """Re-resolve requirements/*.txt from pyproject.toml's dependency groups."""
    session.install("uv")
    groups = ["cli", "docs", "tests", "lint", "serve", "browser"]
    session.run(
        "uv",
        "pip",
        "compile",
        "--quiet",
        "--universal",
        "--python-version",
        "3.11",
        "--no-header",
        "--no-annotate",
        "--upgrade",
        *[f"--group=pyproject.toml:{group}" for group in groups],
        "--output-file",
        str(CONSTRAINTS),
    )
    session.run(
        "uv",
        "pip",
        "compile",
        "--quiet",
        "--universal",
        "--python-version",
        "3.10",
        "--no-header",
        "--no-annotate",
        "--upgrade",
        "--group=pyproject.toml:reader",
        "--output-file",
        str(READER_CONSTRAINTS),
    )


@nox.session(python=PYTHON, venv_backend="none")
def clean(session: nox.Session) -> None:
    """Remove the build folder."""
    shutil.rmtree(BUILD, ignore_errors=True)


def chapter_numbers() -> list[int]:
    return sorted(
        int(path.name[:2]) for path in (ROOT / "cookbook").glob("[0-9][0-9]-*.rst")
    )
