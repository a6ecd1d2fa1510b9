"""The adapters of the reviews service: its database."""
