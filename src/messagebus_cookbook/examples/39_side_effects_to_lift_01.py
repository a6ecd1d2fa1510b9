"""Side effects that wait for the commit of their transaction: mails, and the like.

It knows no service: a service's handler asks the bus for a dependency,
hands it what must happen once its transaction is committed, and the
dependency does it then, or forgets it on a rollback.
"""
