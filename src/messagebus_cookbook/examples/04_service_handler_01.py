"""The service handlers: what the reading club does when it gets a message."""
