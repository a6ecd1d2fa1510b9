"""The unit of work on a SQL database, with SQLAlchemy."""
