"""The transactional outbox and its relay, for any service of the project.

It knows no service's domain: each service gives it its own table, its own
stream, and the messages it publishes.
"""
