"""The whole system, both services, as its Procfile starts it."""
