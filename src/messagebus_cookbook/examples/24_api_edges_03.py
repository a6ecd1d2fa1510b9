"""What an HTTP API does at its edges, before and after its service handles a request.

Refuse text that cannot be stored, bodies that are too big, and callers
without the right; answer 503 when the database is away, and the same
response again to a request retried with its ``Idempotency-Key``. The
package imports no service: each API installs it on its own app.
"""
