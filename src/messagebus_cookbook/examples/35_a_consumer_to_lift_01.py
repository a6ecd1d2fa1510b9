"""A consumer that handles each envelope of a stream once, and keeps the unreadable.

It knows no service: a service gives it the events it reads, how to read
their older versions, its bus and its unit of work.
"""
