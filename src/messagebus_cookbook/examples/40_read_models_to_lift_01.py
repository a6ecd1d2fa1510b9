"""Read models made again from the events a service recorded.

It knows no service: a service gives it the table where its events are
recorded, the events a read model counts, and the table to fill.
"""
