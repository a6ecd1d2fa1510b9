"""Sphinx configuration of the messagebus cookbook."""

project = "The messagebus cookbook"
author = "The messagebus cookbook authors"
copyright = "2026, the messagebus cookbook authors"

extensions: list[str] = []

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
    "tests",
]
nitpicky = True
highlight_language = "python"

html_theme = "furo"
html_title = "The messagebus cookbook"
html_theme_options = {
    "source_repository": "",
    "navigation_with_keys": True,
}
