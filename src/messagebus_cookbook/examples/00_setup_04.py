"""The service layer: repositories, the unit of work and service handlers."""
