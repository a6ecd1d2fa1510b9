"""The reviews service's processes and commands: one module each, run with python -m."""
