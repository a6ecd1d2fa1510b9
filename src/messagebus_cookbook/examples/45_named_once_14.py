"""The relay of a service: its arguments, its check, its run."""

import argparse
from collections.abc import Callable, Sequence

from service_chassis.cli import CommandLine
from service_chassis.service import TSettings
from service_chassis.settings import ServiceSettings
from structured_logs.formatting import configure as configure_logs
from tracing.provider import configure as configure_tracing
from transactional_outbox import process

# --check, and where to serve the relay's metrics.
add_arguments = process.add_arguments


def run(
    service: process.RelayingService,
    arguments: argparse.Namespace,
    settings: ServiceSettings,
    *,
    name: str,
) -> int:
    """Check the relay of the service ``name``, or run it until a signal."""
    if arguments.check:
        return process.check_reach(service, settings.relay_send_timeout)
    configure_logs(settings.log_format)
    configure_tracing(f"{name}-relay", settings.otlp_endpoint)
    return process.run(service, arguments)


def run_command(
    argv: Sequence[str] | None,
    command_line: CommandLine[TSettings],
    bootstrap: Callable[[TSettings], process.RelayingService],
    *,
    prog: str,
    description: str,
    name: str,
) -> int:
    """The main of the relay of the service ``name``: its arguments, its settings."""
    parser = command_line.argument_parser(prog, description)
    add_arguments(parser)
    arguments = parser.parse_args(argv)
    settings = command_line.read_settings(parser)
    service = command_line.build(parser, bootstrap, settings)
    return run(service, arguments, settings, name=name)
