"""The settings of the reading club: read from the environment, here only."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from service_chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """What the processes of the club read from ``READING_CLUB_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="READING_CLUB_")

    database_url: SecretStr = Field(
        default=SecretStr("sqlite+aiosqlite:///reading_club.db"),
        description="the database of the club, a SQLAlchemy URL such as "
        "postgresql+asyncpg://user:password@host/database",
    )
    relay_batch_size: int = Field(
        default=100, gt=0, description="rows sent in one transaction"
    )
    relay_max_attempts: int = Field(
        default=20, gt=0, description="sends of a row before it is parked as dead"
    )
    relay_poll_interval: float = Field(
        default=1.0, gt=0, description="seconds to wait when no row is due"
    )
    relay_send_timeout: float = Field(
        default=5.0, gt=0, description="seconds a send may wait for the broker"
    )
