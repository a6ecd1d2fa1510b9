"""What every service of the project stands on, and none of them owns.

The settings all of them read, their command line, the objects a process
builds once, the frame of an HTTP API and the start of a Celery worker.
It knows no service: each one gives it its settings, its bus and its routes.
"""
