"""The rendered cookbook as a reader uses it, in a real browser."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Page

from browser.conftest import HTML, open_in_theme
from messagebus_cookbook.chapters import Book, Console, Include
from messagebus_cookbook.recipes import Recipe, recipe_files, recipes

ROOT = Path(__file__).resolve().parents[1]
BOOK = Book(ROOT)
PAGES = sorted(
    str(path.relative_to(HTML))
    for path in HTML.rglob("*.html")
    if not path.relative_to(HTML).parts[0].startswith("_")
)


def copy(page: Page, index: int) -> str:
    """Click the copy button of the index-th code block; the clipboard's text."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    block = page.locator("div.highlight").nth(index)
    block.hover()
    block.locator("button.copybtn").click()
    text: str = page.evaluate("navigator.clipboard.readText()")
    return text


def chapter_page(number: int) -> str:
    return f"cookbook/{BOOK.chapter(number).path.stem}.html"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_cleanly(page: Page, site: str, path: str) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )
    page.goto(f"{site}/{path}", wait_until="networkidle")
    assert problems == []


@pytest.mark.parametrize("word", ["transport", "published"])
def test_search_finds_the_event_stream_chapter(
    page: Page, site: str, word: str
) -> None:
    page.goto(f"{site}/search.html?q={word}")
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=15_000)
    links = results.evaluate_all("links => links.map(link => link.href)")
    assert any("06-eventstream" in link for link in links), links


def first(chapter: int, kind: type[Include] | type[Console]) -> int:
    """Index of the chapter's first block of that kind among its code blocks."""
    for index, step in enumerate(BOOK.chapter(chapter).steps):
        if isinstance(step, kind) and (
            not isinstance(step, Include) or "pyobject" not in step.options
        ):
            return index
    raise LookupError(kind)


def test_copy_button_copies_a_whole_file(page: Page, site: str) -> None:
    page.goto(f"{site}/{chapter_page(1)}")
    index = first(1, Include)
    step = BOOK.chapter(1).steps[index]
    assert isinstance(step, Include)
    assert copy(page, index) == step.text.rstrip("\n")


def test_copy_button_copies_only_the_commands(page: Page, site: str) -> None:
    page.goto(f"{site}/{chapter_page(2)}")
    index = first(2, Console)
    step = BOOK.chapter(2).steps[index]
    assert isinstance(step, Console)
    assert copy(page, index) == "\n".join(command.line for command in step.commands)


@pytest.mark.parametrize(
    "number", [chapter.number for chapter in BOOK.chapters], ids=lambda n: f"{n:02d}"
)
def test_each_chapter_links_its_project(page: Page, site: str, number: int) -> None:
    page.goto(f"{site}/{chapter_page(number)}")
    link = page.get_by_role(
        "link", name="Download the project as it stands after this chapter"
    )
    response = page.request.get(link.evaluate("link => link.href"))
    assert response.ok
    with zipfile.ZipFile(io.BytesIO(response.body())) as archive:
        names = {name.split("/", 1)[1] for name in archive.namelist()}
    shown = {include.caption for include in BOOK.chapter(number).includes}
    assert shown <= names


@pytest.mark.parametrize("recipe", recipes(ROOT), ids=lambda recipe: recipe.name)
def test_a_recipe_page_shows_what_its_download_holds(
    page: Page, site: str, recipe: Recipe
) -> None:
    page.goto(f"{site}/recipes/{recipe.name}.html")
    link = page.get_by_role("link", name="Download this recipe")
    response = page.request.get(link.evaluate("link => link.href"))
    assert response.ok
    with zipfile.ZipFile(io.BytesIO(response.body())) as archive:
        held = {name: archive.read(name).decode() for name in archive.namelist()}
    assert held == recipe_files(BOOK, recipe)
    captions = page.locator(
        ".cookbook-recipe-file .code-block-caption .caption-text"
    ).all_inner_texts()
    shown = [path for path in recipe.files if held[path].strip()]
    assert captions == shown
    for path in held.keys() - shown:
        assert page.get_by_text(f"{path} is empty.").is_visible()


def test_dark_mode_toggle_changes_the_theme(page: Page, site: str) -> None:
    page.goto(f"{site}/index.html")
    before = page.evaluate("document.body.dataset.theme")
    page.locator(".theme-toggle:visible").first.click()
    after = page.evaluate("document.body.dataset.theme")
    assert before != after


# Every box of every picture on the pages that show one, with its texts.
BOXES_AND_TEXTS = """
[...document.querySelectorAll("svg.cookbook-diagram g")]
  .filter((box) => box.querySelector(":scope > rect"))
  .map((box) => {
    const shape = box.querySelector(":scope > rect");
    const rect = shape.getBBox();
    const background = getComputedStyle(shape).fill;
    return [...box.querySelectorAll("text")].map((text) => {
      const bounds = text.getBBox();
      const inside = bounds.x >= rect.x && bounds.y >= rect.y
        && bounds.x + bounds.width <= rect.x + rect.width
        && bounds.y + bounds.height <= rect.y + rect.height;
      const fill = getComputedStyle(text).fill;
      return {text: text.textContent, inside: inside, fill: fill, box: background};
    });
  }).flat()
"""


@pytest.mark.parametrize(
    "path", ["index.html", "cookbook/32-the-system-in-pictures.html"]
)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_texts_of_a_picture_stay_in_their_boxes_and_can_be_read(
    page: Page, site: str, path: str, theme: Literal["light", "dark"]
) -> None:
    open_in_theme(page, f"{site}/{path}", theme)

    texts = page.evaluate(BOXES_AND_TEXTS)

    assert texts, f"no picture with boxes on {path}"
    assert [text["text"] for text in texts if not text["inside"]] == []
    assert [text["text"] for text in texts if text["fill"] == text["box"]] == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("landing", "index.html"),
        ("eventstream", "cookbook/06-eventstream.html"),
        ("pictures", "cookbook/32-the-system-in-pictures.html"),
        ("glossary", "glossary.html"),
        ("recipe", "recipes/outbox.html"),
    ],
)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(
    page: Page,
    site: str,
    screenshots: Path,
    name: str,
    path: str,
    theme: Literal["light", "dark"],
) -> None:
    open_in_theme(page, f"{site}/{path}", theme)
    target = screenshots / f"{name}-{theme}.png"
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000
