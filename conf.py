"""Sphinx configuration of the messagebus cookbook."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "src"))

project = "The messagebus cookbook"
author = "The messagebus cookbook authors"
copyright = "2026, the messagebus cookbook authors"

extensions = [
    "sphinx_copybutton",
    "messagebus_cookbook.sphinx_ext",
]

# Console blocks: copy the commands, never the "$ " prompt or the output.
copybutton_prompt_text = "$ "
copybutton_only_copy_prompt_lines = True
# The fold buttons of a long file are not part of it (_static/cookbook-fold.js).
copybutton_exclude = ".linenos, .go, .cookbook-fold"
copybutton_copy_empty_lines = False

root_doc = "index"
exclude_patterns = [
    ".ci",
    ".nox",
    ".venv",
    "_build",
    "build",
    "README.md",
    "requirements",
    "src",
    "_static",
    "tests",
]
nitpicky = True
highlight_language = "python"

html_theme = "furo"
html_static_path = ["_static"]
html_css_files = ["cookbook.css"]
html_js_files = [("cookbook-fold.js", {"defer": "defer"})]
html_favicon = "_static/favicon.svg"
pygments_style = "friendly"
pygments_dark_style = "monokai"
html_title = "The messagebus cookbook"
# A whole file shown again folds each run of at least cookbook_fold_min_lines
# unchanged lines, keeping cookbook_fold_context lines around each change.
cookbook_fold_context = 3
cookbook_fold_min_lines = 8

html_theme_options = {
    "source_repository": "",
    "navigation_with_keys": True,
}
