"""The settings of the reviews service: read from the environment, here only."""

from typing import Annotated

from pydantic import EmailStr, Field, SecretStr, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

from structured_logs.formatting import LogFormat

# What the settings keep of an API key: its SHA-256, in hexadecimal.
KeyHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Settings(BaseSettings):
    """What the reviews service reads from ``REVIEWS_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="REVIEWS_", frozen=True)

    database_url: SecretStr = Field(
        default=SecretStr("sqlite+aiosqlite:///reviews.db"),
        description="the database of the reviews service, a SQLAlchemy URL",
    )
    broker_url: SecretStr = Field(
        default=SecretStr("amqp://guest:guest@localhost:5672//"),
        description="the broker of the club's event stream",
    )
    api_keys: dict[KeyHash, list[str]] = Field(
        default_factory=dict,
        description="the SHA-256 of each API key, and its rights, in JSON: "
        '{"<sha256>": ["reviews:write"]}; python -m http_edges.auth reviews:write '
        "makes a key and its entry",
    )
    mails_per_address: int = Field(
        default=3, ge=0, description="mails an address may get in a period"
    )
    mail_period: float = Field(
        default=86400, gt=0, description="the period of that bound, in seconds"
    )
    smtp_host: str = Field(
        default="localhost",
        description="the SMTP server that sends the service's mails",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="its port")
    smtp_timeout: float = Field(
        default=2.0,
        gt=0,
        description="the seconds each step of a talk with the SMTP server may take",
    )
    mail_sender: EmailStr = Field(
        default="reviews@reading-club.example",
        description="the address the service's mails come from",
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
