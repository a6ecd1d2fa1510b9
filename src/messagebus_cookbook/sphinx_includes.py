"""The cookbook's ``literalinclude``: Sphinx's own, and what a reader needs with it.

- A block that shows part of a file says which part in its rendered caption
  (``partial_captions``); the rst caption stays the bare path.
- A block that shows again a whole file the reader already has carries the
  runs of unchanged lines to fold (``folding``); ``_static/cookbook-fold.js``
  folds them when the page loads.
- Under a block that changes a file the reader already has, a folded
  unified diff against the previous version.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from docutils import nodes
from sphinx.directives.code import LiteralInclude
from sphinx.writers.html5 import HTML5Translator

from messagebus_cookbook.chapters import Include
from messagebus_cookbook.folding import folds, format_folds
from messagebus_cookbook.partial_captions import part_suffix, shows_whole_file
from messagebus_cookbook.sphinx_model import book_of, include_at


class folded_file(nodes.container):
    """A block whose runs of unchanged lines fold in the browser.

    Attributes: ``folds`` (``"12-40,55-90"``, file lines) and ``lines`` (the
    file's line count). Builders other than HTML render it as a container.
    """


def visit_folded_file(translator: HTML5Translator, node: folded_file) -> None:
    translator.body.append(
        translator.starttag(
            node,
            "div",
            CLASS="cookbook-foldable",
            **{
                "data-cookbook-folds": node["folds"],
                "data-cookbook-lines": str(node["lines"]),
            },
        )
    )


def depart_folded_file(translator: HTML5Translator, node: folded_file) -> None:
    translator.body.append("</div>\n")


class CookbookLiteralInclude(LiteralInclude):
    """Sphinx's ``literalinclude``, with the part's caption, folds and diff."""

    def run(self) -> list[nodes.Node]:
        result = super().run()
        if len(result) != 1 or not isinstance(
            result[0], nodes.container | nodes.literal_block
        ):
            return result
        block: nodes.Element = result[0]
        self.add_part_to_caption(block)
        include = include_at(self.env, self.env.docname, self.lineno)
        if include is None:
            return [block]
        previous = book_of(self.env).previous_version(include)
        if previous is None:
            return [block]
        self.env.note_dependency(str(previous.example))
        shown: list[nodes.Node] = [self.fold(block, include, previous)]
        diff = diff_of(previous, include)
        if diff is not None:
            shown.append(diff)
        return shown

    def add_part_to_caption(self, block: nodes.Element) -> None:
        caption = next(iter(block.findall(nodes.caption)), None)
        if caption is None:
            return
        _, example = self.env.relfn2path(self.arguments[0])
        suffix = part_suffix(self.options, Path(example))
        if suffix:
            caption += nodes.inline(suffix, suffix, classes=["cookbook-part"])

    def fold(
        self, block: nodes.Element, include: Include, previous: Include
    ) -> nodes.Element:
        if not shows_whole_file(include.options):
            return block
        text = include.text
        found = folds(
            previous.text,
            text,
            context=self.config.cookbook_fold_context,
            min_folded=self.config.cookbook_fold_min_lines,
        )
        if not found:
            return block
        wrapper = folded_file(
            "", folds=format_folds(found), lines=len(text.splitlines())
        )
        wrapper += block
        return wrapper


def diff_of(previous: Include, include: Include) -> nodes.Element | None:
    """A folded unified diff from ``previous`` to ``include``, or ``None``."""
    diff = "".join(
        difflib.unified_diff(
            previous.text.splitlines(keepends=True),
            include.text.splitlines(keepends=True),
            f"{include.caption} (before)",
            f"{include.caption} (after)",
        )
    )
    if not diff:
        return None
    folded = nodes.container(classes=["cookbook-diff"])
    folded += nodes.raw(
        "",
        f"<details><summary>What changed in <code>{include.caption}</code></summary>",
        format="html",
    )
    folded += nodes.literal_block(diff, diff, language="diff")
    folded += nodes.raw("", "</details>", format="html")
    return folded
