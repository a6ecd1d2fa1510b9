"""What the main of every process of the reviews service shares: its settings."""

from reviews.settings import Settings
from service_chassis.cli import CommandLine

COMMAND_LINE = CommandLine(Settings)
# The parser of a process, whose help lists the variables it reads.
argument_parser = COMMAND_LINE.argument_parser
# The settings of the environment; a wrong one stops the process at once.
read_settings = COMMAND_LINE.read_settings
