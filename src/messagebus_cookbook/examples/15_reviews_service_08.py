"""The domain of the reviews service: what it knows, and what it hears."""
