"""The club's processes and commands: one module each, run with python -m."""
