"""The tests of the reviews service."""
