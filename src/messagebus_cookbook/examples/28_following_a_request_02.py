"""Log lines that a machine reads, and that follow one request everywhere.

Every line is a JSON object with the fields bound to the work in hand: the
correlation id born with an HTTP request, the id of the aggregate it
changes. The package imports no service: each process configures it once.
"""
