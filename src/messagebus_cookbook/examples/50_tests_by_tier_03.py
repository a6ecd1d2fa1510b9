"""The whole system, as its Procfile starts it."""
