"""Traces of the work of a process, sent to an OpenTelemetry collector.

The package imports no service: each process configures it once, with the
name of its service and the endpoint its settings give.
"""
