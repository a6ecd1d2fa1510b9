"""The settings of the reviews service: read from the environment, here only."""

from pydantic import EmailStr, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from service_chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """What the reviews service reads from ``REVIEWS_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="REVIEWS_")

    database_url: SecretStr = Field(
        default=SecretStr("sqlite+aiosqlite:///reviews.db"),
        description="the database of the reviews service, a SQLAlchemy URL",
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
