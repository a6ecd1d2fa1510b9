"""The tests of the SQL unit of work."""
