"""The service layer of the reviews service."""
