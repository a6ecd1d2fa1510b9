"""The settings every service reads; each adds its own, with its prefix."""

from typing import Annotated

from pydantic import Field, SecretStr, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

from structured_logs.formatting import LogFormat

# What the settings keep of an API key: its SHA-256, in hexadecimal.
KeyHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class ServiceSettings(BaseSettings):
    """The variables of every service; a subclass names its prefix.

    A service gives ``database_url`` its default, its own database's. The
    settings cannot change once read: a process reads them once, at its
    start.
    """

    model_config = SettingsConfigDict(frozen=True)

    database_url: SecretStr = Field(
        description="the database of the service, a SQLAlchemy URL such as "
        "postgresql+asyncpg://user:password@host/database",
    )
    broker_url: SecretStr = Field(
        default=SecretStr("amqp://guest:guest@localhost:5672//"),
        description="the broker of the event streams: RabbitMQ, or Redis",
    )
    relay_batch_size: int = Field(
        default=100, gt=0, description="rows the relay sends in one transaction"
    )
    relay_max_attempts: int = Field(
        default=20, gt=0, description="sends of a row before it is parked as dead"
    )
    relay_poll_interval: float = Field(
        default=1.0, gt=0, description="seconds the relay waits when no row is due"
    )
    relay_send_timeout: float = Field(
        default=5.0, gt=0, description="seconds a send may wait for the broker"
    )
    api_keys: dict[KeyHash, list[str]] = Field(
        default_factory=dict,
        description="the SHA-256 of each API key, and its rights, in JSON: "
        '{"<sha256>": ["<right>"]}; python -m http_edges.auth <right> '
        "makes a key and its entry",
    )
    log_format: LogFormat = Field(
        default="json",
        description="how the processes write their log lines: json, an object "
        "a line, for the machines that collect them; text, for a person",
    )
    otlp_endpoint: str | None = Field(
        default=None,
        description="where the processes send their traces, an OTLP/HTTP URL such "
        "as http://localhost:4318/v1/traces; unset, they record none",
    )
