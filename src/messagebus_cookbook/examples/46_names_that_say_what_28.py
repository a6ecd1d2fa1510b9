"""The tests of the reading club."""
