"""The contracts of the events a service publishes, one for each version.

It knows no service: a service gives it the module of its messages and
the folder where its contracts are written.
"""
