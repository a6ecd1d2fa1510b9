"""What every service of the project is built on: its settings, its commands.

It knows no service: each one gives it its settings, its bus and its routes.
"""
