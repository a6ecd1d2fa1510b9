"""The picture of the processes shows what the reader's project runs, as it ends.

It is drawn by hand, once: these tests hold it to the last chapter's
Procfile (each process, its port and its metrics' port, as honcho gives
them) and to the exchanges and queues that the services declare.
"""

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from messagebus_cookbook.chapters import Book

ROOT = Path(__file__).resolve().parents[1]
DIAGRAM = ROOT / "_static" / "diagrams" / "processes.svg"
SVG = "{http://www.w3.org/2000/svg}"
# The README's `honcho start --port 8000`: each line of the Procfile gets
# the next hundred.
FIRST_PORT = 8000
EXCHANGE = re.compile(r'\bExchange\(\s*"([^"]+)"')
PORTS = ("data-port", "data-metrics-port")
QUEUE = re.compile(r'\b(?:Queue|subscription)\(\s*"([^"]+)"')


@pytest.fixture(scope="module")
def last_chapter() -> tuple[str, dict[str, str]]:
    """The last chapter's file name, and the reader's files after it."""
    book = Book(ROOT)
    chapter = book.chapters[-1]
    files = book.files_after(chapter.number)
    return chapter.path.name, {caption: file.text for caption, file in files.items()}


def drawn(kind: str) -> dict[str, dict[str, str]]:
    """The boxes of a kind the picture draws, by name, with their attributes."""
    boxes = ElementTree.parse(DIAGRAM).getroot().iter(f"{SVG}g")
    return {
        box.attrib["data-name"]: {
            **box.attrib,
            "text": " ".join(text.text or "" for text in box.iter(f"{SVG}text")),
        }
        for box in boxes
        if box.get("class") == kind
    }


def processes_of(procfile: str) -> dict[str, dict[str, str]]:
    """Each process of a Procfile: the port honcho gives it, its metrics' port.

    Drawn as the picture's attributes name them, and as its text shows
    them: ``API :PORT`` for a process that serves on ``$PORT``.
    """
    found: dict[str, dict[str, str]] = {}
    for index, line in enumerate(procfile.splitlines()):
        name, command = (part.strip() for part in line.split(":", 1))
        port = FIRST_PORT + 100 * index
        process = found[name] = {"data-port": str(port), "shown": name}
        if "--port $PORT" in command:
            process["shown"] += f" API :{port}"
        if "--metrics-port $((PORT + 1))" in command:
            process["data-metrics-port"] = str(port + 1)
        elif "--metrics-port $PORT" in command:
            process["data-metrics-port"] = str(port)
        if "data-metrics-port" in process:
            process["shown"] += f" metrics :{process['data-metrics-port']}"
    return found


def test_the_processes_are_those_of_the_procfile(
    last_chapter: tuple[str, dict[str, str]],
) -> None:
    chapter, files = last_chapter
    expected = processes_of(files["Procfile"])

    found = {
        name: {
            **{
                key: box[key]
                for key in ("data-port", "data-metrics-port")
                if key in box
            },
            # What a reader sees, in the order the Procfile's line gives it.
            "shown": " ".join(
                part
                for part in box["text"].replace(" · ", " ").split()
                if part in {name, "API", "metrics"} or part.startswith(":")
            ),
        }
        for name, box in drawn("process").items()
    }

    assert found == expected, (
        f"{DIAGRAM.relative_to(ROOT)} draws other processes, or other ports, "
        f"than the Procfile after {chapter} runs"
    )


def test_the_exchanges_and_queues_are_those_the_services_declare(
    last_chapter: tuple[str, dict[str, str]],
) -> None:
    chapter, files = last_chapter
    sources = "\n".join(
        text for caption, text in files.items() if caption.startswith("src/")
    )

    exchanges, queues = drawn("exchange"), drawn("queue")

    assert set(exchanges) == set(EXCHANGE.findall(sources)), (
        f"{DIAGRAM.relative_to(ROOT)} draws other exchanges than the sources "
        f"after {chapter} declare"
    )
    assert set(queues) == set(QUEUE.findall(sources)), (
        f"{DIAGRAM.relative_to(ROOT)} draws other queues than the sources "
        f"after {chapter} declare"
    )
    assert {queue["data-exchange"] for queue in queues.values()} <= set(exchanges)
