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
