"""Real servers for the tests: PostgreSQL, Redis and RabbitMQ.

Each one starts on free ports, in a folder of its own, and is stopped at
the end; or a test-only variable names one to use instead. The package
knows no service: ``plugin`` gives its fixtures to any project's tests.
"""
