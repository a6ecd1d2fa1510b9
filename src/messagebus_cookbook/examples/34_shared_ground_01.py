"""The SQL database of a service: its engine, and how Alembic migrates it.

It knows no service: each one gives it its database's URL and its tables.
"""
