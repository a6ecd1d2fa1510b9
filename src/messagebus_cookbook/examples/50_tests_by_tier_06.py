"""The tests of the edges of the APIs."""
