"""The tests of the event stream over Celery."""
