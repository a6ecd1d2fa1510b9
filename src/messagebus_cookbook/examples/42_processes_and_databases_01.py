"""Real servers for the tests: PostgreSQL, Redis and RabbitMQ, and more.

Each server starts on free ports, in a folder of its own, and is stopped
at the end; or a test-only variable names one to use instead. A test
gets a database of its own on PostgreSQL, and can start the processes of
a Procfile as a developer does. The package knows no service: ``plugin``
gives its fixtures to any project's tests.
"""
