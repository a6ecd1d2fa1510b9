"""Reading aids in a real browser: folded long files, the project tree, captions."""

from __future__ import annotations

import io
import runpy
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Browser, Locator, Page

from browser.conftest import open_in_theme
from messagebus_cookbook.archives import TOP
from messagebus_cookbook.chapters import Book, Include
from messagebus_cookbook.folding import Fold, folds, format_folds
from messagebus_cookbook.partial_captions import shows_whole_file
from messagebus_cookbook.project_tree import Status, statuses

ROOT = Path(__file__).resolve().parents[1]
BOOK = Book(ROOT)
CONF = runpy.run_path(str(ROOT / "conf.py"))
NUMBERS = [chapter.number for chapter in BOOK.chapters]
# The path of each file a project tree lists (that matches a selector),
# from the names of the nested list items that hold it.
TREE_PATHS = """(tree, selector) => [...tree.querySelectorAll(selector)].map(file => {
    const names = [];
    for (let item = file; tree.contains(item); item = item.parentElement) {
        const name = item.querySelector(
            ":scope > p > .cookbook-tree-name,"
            + " :scope > details > summary > .cookbook-tree-name"
        );
        if (item.matches("li") && name) names.unshift(name.textContent);
    }
    return names.join("");
})"""


def chapter_page(number: int) -> str:
    return f"cookbook/{BOOK.chapter(number).path.stem}.html"


def expected_folds(include: Include) -> list[Fold]:
    previous = BOOK.previous_version(include)
    if previous is None or not shows_whole_file(include.options):
        return []
    return folds(
        previous.text,
        include.text,
        context=CONF["cookbook_fold_context"],
        min_folded=CONF["cookbook_fold_min_lines"],
    )


def folded_includes(number: int) -> list[tuple[Include, list[Fold]]]:
    """The chapter's blocks that fold, in page order, with their folds."""
    found = []
    for include in BOOK.chapter(number).includes:
        runs = expected_folds(include)
        if runs:
            found.append((include, runs))
    return found


# The chapter with the most folded blocks: the checks run on every one of them.
FOLDING_CHAPTER = max(NUMBERS, key=lambda number: len(folded_includes(number)))


def expected_view(text: str, runs: list[Fold]) -> list[str]:
    """The lines of a folded block as it shows: a button stands for each fold."""
    view: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        run = next((run for run in runs if run.first <= number <= run.last), None)
        if run is None:
            view.append(line)
        elif number == run.first:
            view.append(f"⋯ {run.size} unchanged lines")
    return view


def copy_block(page: Page, block: Locator) -> str:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    block.locator("div.highlight").hover()
    block.locator("button.copybtn").click()
    text: str = page.evaluate("navigator.clipboard.readText()")
    return text


@pytest.fixture
def folding_page(page: Page, site: str) -> Page:
    page.goto(f"{site}/{chapter_page(FOLDING_CHAPTER)}")
    page.locator(".cookbook-foldable.cookbook-folded-ready").first.wait_for()
    return page


def test_the_first_version_of_a_file_never_folds() -> None:
    firsts = [
        include
        for chapter in BOOK.chapters
        for include in chapter.includes
        if BOOK.previous_version(include) is None
    ]
    assert firsts
    assert all(expected_folds(include) == [] for include in firsts)


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: f"{n:02d}")
def test_the_extension_marks_the_folds_of_the_chapter_model(
    page: Page, site: str, number: int
) -> None:
    page.goto(f"{site}/{chapter_page(number)}")
    blocks = page.locator(".cookbook-foldable")
    marked = blocks.evaluate_all(
        "blocks => blocks.map(block => block.dataset.cookbookFolds)"
    )
    assert marked == [format_folds(runs) for _, runs in folded_includes(number)]


def test_folds_show_the_changes_and_expand_on_click(folding_page: Page) -> None:
    page = folding_page
    blocks = page.locator(".cookbook-foldable")
    for index, (include, runs) in enumerate(folded_includes(FOLDING_CHAPTER)):
        block = blocks.nth(index)
        buttons = block.locator("button.cookbook-fold")
        assert buttons.all_inner_texts() == [
            f"⋯ {run.size} unchanged lines" for run in runs
        ]
        # Blank lines aside (a highlighted line is a block: innerText adds
        # newlines around it), the block reads: the lines outside the folds,
        # and a button in place of each fold.
        shown = block.locator("pre").inner_text().splitlines()
        assert [line for line in shown if line.strip()] == [
            line for line in expected_view(include.text, runs) if line.strip()
        ]
        # Every highlighted (changed) line stays in view.
        for line in block.locator("pre span.hll").all():
            assert line.is_visible()
    block = blocks.first
    hidden = block.locator(".cookbook-folded").first
    assert hidden.is_hidden()
    block.locator("button.cookbook-fold").first.click()
    assert hidden.is_visible()
    include, runs = folded_includes(FOLDING_CHAPTER)[0]
    assert block.locator("button.cookbook-fold").count() == len(runs) - 1
    first_run = include.text.splitlines()[runs[0].first - 1 : runs[0].last]
    assert hidden.inner_text().splitlines() == first_run


def test_copy_of_a_folded_block_gives_the_whole_file(folding_page: Page) -> None:
    page = folding_page
    blocks = page.locator(".cookbook-foldable")
    for index, (include, _) in enumerate(folded_includes(FOLDING_CHAPTER)):
        copied = copy_block(page, blocks.nth(index))
        # sphinx-copybutton leaves out the file's last newline, on purpose:
        # a pasted command must not run by itself.
        assert (copied + "\n").encode("utf-8") == include.example.read_bytes()


def test_copy_after_unfolding_gives_the_whole_file(folding_page: Page) -> None:
    page = folding_page
    block = page.locator(".cookbook-foldable").first
    block.locator("button.cookbook-fold").first.click()
    include, _ = folded_includes(FOLDING_CHAPTER)[0]
    copied = copy_block(page, block)
    assert (copied + "\n").encode("utf-8") == include.example.read_bytes()


@pytest.fixture
def page_without_javascript(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_whole_file_shows(
    page_without_javascript: Page, site: str
) -> None:
    page = page_without_javascript
    page.goto(f"{site}/{chapter_page(FOLDING_CHAPTER)}")
    block = page.locator(".cookbook-foldable").first
    include, _ = folded_includes(FOLDING_CHAPTER)[0]
    assert block.locator("button.cookbook-fold").count() == 0
    assert block.locator(".cookbook-folded").count() == 0
    assert block.locator("pre").text_content() == include.text


def test_printed_the_whole_file_shows(folding_page: Page) -> None:
    page = folding_page
    page.emulate_media(media="print")
    block = page.locator(".cookbook-foldable").first
    include, _ = folded_includes(FOLDING_CHAPTER)[0]
    displays = block.locator(".cookbook-fold, .cookbook-folded").evaluate_all(
        "found => found.map(element => getComputedStyle(element).display)"
    )
    assert displays == ["none", "inline"] * (len(displays) // 2)
    # Rendered text, blank lines aside (see above): every line of the file.
    shown = block.locator("pre").inner_text().splitlines()
    assert [line for line in shown if line.strip()] == [
        line for line in include.text.splitlines() if line.strip()
    ]


def tree_of(page: Page) -> Locator:
    return page.locator(".cookbook-project-tree")


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: f"{n:02d}")
def test_the_tree_lists_the_files_of_the_chapter_download(
    page: Page, site: str, number: int
) -> None:
    page.goto(f"{site}/{chapter_page(number)}")
    tree = tree_of(page)
    assert tree.count() == 1
    # The tree comes first, before any section of the chapter.
    assert page.evaluate(
        """() => {
            const tree = document.querySelector(".cookbook-project-tree");
            const section = document.querySelector("article section section");
            return !section || !!(tree.compareDocumentPosition(section)
                & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    listed = tree.evaluate(TREE_PATHS, "li.cookbook-tree-file")
    link = page.get_by_role(
        "link", name="Download the project as it stands after this chapter"
    )
    response = page.request.get(link.evaluate("link => link.href"))
    with zipfile.ZipFile(io.BytesIO(response.body())) as archive:
        names = archive.namelist()
    assert sorted(listed) == sorted(names)
    assert all(name.startswith(f"{TOP}/") for name in names)

    expected = statuses(BOOK, number)
    for status in Status:
        marked = tree.evaluate(
            TREE_PATHS, f"li.cookbook-tree-file:has(.cookbook-badge-{status.value})"
        )
        assert sorted(marked) == sorted(
            f"{TOP}/{path}" for path, found in expected.items() if found is status
        )


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: f"{n:02d}")
def test_the_tree_opens_the_folders_the_chapter_touches_and_folds_the_others(
    page: Page, site: str, number: int
) -> None:
    page.goto(f"{site}/{chapter_page(number)}")
    tree = tree_of(page)
    touched = {
        f"{TOP}/{path}".rsplit("/", 1)[0]
        for path, status in statuses(BOOK, number).items()
        if status is not None
    }
    folders = tree.evaluate(
        """tree => [...tree.querySelectorAll("details")].map(details => {
            const names = [];
            for (let item = details; tree.contains(item); item = item.parentElement) {
                const name = item.querySelector(
                    ":scope > summary > .cookbook-tree-name"
                );
                if (item.matches("details") && name) names.unshift(name.textContent);
            }
            return [names.join("").replace(/\\/$/, ""), details.open];
        })"""
    )
    for folder, is_open in folders:
        wanted = any(
            path == folder or path.startswith(f"{folder}/") for path in touched
        )
        assert is_open == wanted, f"{folder}: open {is_open}, touched {wanted}"
    # A folded folder opens by its name, and shows its files.
    folded = tree.locator(
        "details[open] > ul > li > details:not([open])"
        ":has(> ul > li.cookbook-tree-file)"
    )
    if folded.count():
        details = folded.first.element_handle()
        file = details.query_selector(":scope > ul > li.cookbook-tree-file")
        assert file is not None
        assert not file.is_visible()
        details.query_selector(":scope > summary").click()  # type: ignore[union-attr]
        assert file.is_visible()


def test_a_partial_display_says_so_in_its_caption(page: Page, site: str) -> None:
    number, include = next(
        (chapter.number, include)
        for chapter in BOOK.chapters
        for include in chapter.includes
        if "pyobject" in include.options
    )
    page.goto(f"{site}/{chapter_page(number)}")
    captions = page.locator(".code-block-caption .caption-text").all_inner_texts()
    assert f"{include.caption} — class {include.options['pyobject']} only" in captions
    whole = [
        i.caption for i in BOOK.chapter(number).includes if shows_whole_file(i.options)
    ]
    assert sum(caption in whole for caption in captions) == len(whole)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_a_folded_block_and_a_tree(
    page: Page,
    site: str,
    screenshots: Path,
    theme: Literal["light", "dark"],
) -> None:
    open_in_theme(page, f"{site}/{chapter_page(FOLDING_CHAPTER)}", theme)
    block = page.locator(".cookbook-foldable.cookbook-folded-ready").first
    # Furo's "Back to top" floats over the page once it scrolls.
    hide = ".back-to-top { display: none !important; }"
    folded = screenshots / f"folded-block-{theme}.png"
    block.screenshot(path=str(folded), style=hide)
    tree = screenshots / f"project-tree-{theme}.png"
    tree_of(page).screenshot(path=str(tree), style=hide)
    assert folded.stat().st_size > 5_000
    assert tree.stat().st_size > 5_000
