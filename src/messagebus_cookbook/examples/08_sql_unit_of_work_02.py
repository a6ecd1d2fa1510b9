"""The adapters: how the reading club talks to databases and brokers."""
