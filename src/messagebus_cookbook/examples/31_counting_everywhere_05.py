"""The metrics of a process served to Prometheus, or of a pool of processes.

The package imports no service: each process serves its metrics once, on
the port its command line gives.
"""
