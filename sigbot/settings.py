"""Configuration from the environment or a ``.env`` file, validated once at start.

The names are the outside contract (README.md, .env.example); a bad value stops the service
with one line naming the variable.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

import phonenumbers
from pydantic import BeforeValidator, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from sigbot.logs import LogFormat
from sigbot.timeutil import zone

LOOPBACK_NAMES = frozenset({"localhost"})
MIN_SECRET_KEY = 32


def _lowercase(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


# JSON or json alike.
LogFormatSetting = Annotated[LogFormat, BeforeValidator(_lowercase)]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line naming it."""


class Settings(BaseSettings):
    """Every knob sigbot reads. Build one in ``main()`` and pass it down."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = Field("sqlite+aiosqlite:///sigbot.db", alias="DATABASE_URL")
    telegram_bot_token: str | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field("https://api.telegram.org/bot", alias="TELEGRAM_API_URL")
    telegram_mode: Literal["polling", "webhook"] = Field("polling", alias="TELEGRAM_MODE")
    telegram_webhook_secret: str | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")
    twilio_account_sid: str | None = Field(None, alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str | None = Field(None, alias="TWILIO_AUTH_TOKEN")
    twilio_from: str | None = Field(None, alias="TWILIO_FROM")
    twilio_api_url: str = Field("https://api.twilio.com", alias="TWILIO_API_URL")
    public_url: str = Field("http://localhost:8080", alias="SIGBOT_PUBLIC_URL")
    http_host: str = Field("127.0.0.1", alias="SIGBOT_HTTP_HOST")
    http_port: int = Field(8080, alias="SIGBOT_HTTP_PORT", ge=1, le=65535)
    timezone: str = Field("Europe/Stockholm", alias="SIGBOT_TIMEZONE")
    secret_key: str | None = Field(None, alias="SIGBOT_SECRET_KEY")
    workspace: bool = Field(True, alias="SIGBOT_WORKSPACE")
    # Beyond the contract: operational knobs with safe defaults.
    sms_rate_per_second: float = Field(1.0, alias="SIGBOT_SMS_RATE", gt=0)
    telegram_rate_per_second: float = Field(30.0, alias="SIGBOT_TELEGRAM_RATE", gt=0)
    team_lead_telegram_chat_id: int | None = Field(None, alias="SIGBOT_TEAM_LEAD_CHAT_ID")
    coordinator_alerts_in_quiet_hours: bool = Field(
        True, alias="SIGBOT_COORDINATOR_ALERTS_IN_QUIET_HOURS"
    )
    max_send_attempts: int = Field(6, alias="SIGBOT_MAX_SEND_ATTEMPTS", ge=1, le=50)
    log_level: str = Field("INFO", alias="SIGBOT_LOG_LEVEL")
    log_format: LogFormatSetting = Field("console", alias="SIGBOT_LOG_FORMAT")
    retention_days: int = Field(365, alias="SIGBOT_RETENTION_DAYS", ge=1, le=36500)

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a SQLAlchemy URL: {exc}") from None
        if url.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
            raise ValueError(
                "use sqlite+aiosqlite://... or postgresql+asyncpg://... "
                f"(got driver {url.drivername!r})"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        zone(value)
        return value

    @field_validator("telegram_api_url", "twilio_api_url", "public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must start with http:// or https:// (got {value!r})")
        return value.rstrip("/") if not value.endswith("/bot") else value

    @field_validator("public_url")
    @classmethod
    def _public_url_https(cls, value: str) -> str:
        """Webhook bodies carry numbers and texts: only a loopback address may use plain http."""
        parts = urlsplit(value)
        host = parts.hostname or ""
        if not host:
            raise ValueError(f"has no host (got {value!r})")
        if parts.scheme == "https" or _is_loopback(host):
            return value
        raise ValueError(f"must be https:// unless it is a loopback address (got {value!r})")

    @field_validator("twilio_from")
    @classmethod
    def _valid_sender(cls, value: str | None) -> str | None:
        if value is None or value.startswith("MG"):
            return value
        try:
            parsed = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise ValueError("must be an E.164 number (+46...) or a Messaging Service SID (MG...)")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    @model_validator(mode="after")
    def _twilio_complete(self) -> Settings:
        given = [self.twilio_account_sid, self.twilio_auth_token, self.twilio_from]
        if any(given) and not all(given):
            missing = [
                name
                for name, value in zip(
                    ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"), given, strict=True
                )
                if not value
            ]
            raise ValueError(f"{missing[0]} is required when SMS is configured")
        return self

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_enabled and self.telegram_mode == "webhook":
            secret = self.telegram_webhook_secret or ""
            if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
                raise ValueError(
                    "TELEGRAM_WEBHOOK_SECRET must be 16-256 characters of A-Z a-z 0-9 _ - "
                    "in webhook mode"
                )
        return self

    @field_validator("workspace", mode="before")
    @classmethod
    def _on_off(cls, value: object) -> object:
        if isinstance(value, str):
            word = value.strip().lower()
            if word in {"on", "off"}:
                return word == "on"
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_secret(cls, value: str | None) -> str | None:
        if value is not None and len(value) < MIN_SECRET_KEY:
            raise ValueError(f"must be at least {MIN_SECRET_KEY} characters (got {len(value)})")
        return value

    def require_secret_key(self) -> str | None:
        """The key that signs workspace sessions; ``sigbot run`` refuses to serve without one."""
        if self.workspace and not self.secret_key:
            raise SettingsError(
                "SIGBOT_SECRET_KEY: required (at least 32 characters) to serve the workspace; "
                "set SIGBOT_WORKSPACE=off to run without it"
            )
        return self.secret_key

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def sms_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from)


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning pydantic's report into one line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # values of any type: pydantic checks them
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error.get("loc") or ()
        field = str(loc[0]) if loc else ""
        name = _env_name(field)
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}" if name else message) from None


class _LogSettings(BaseSettings):
    """SIGBOT_LOG_FORMAT alone, for commands that read no other setting (``sigbot demo``)."""

    model_config = Settings.model_config
    log_format: LogFormatSetting = Field("console", alias="SIGBOT_LOG_FORMAT")


def log_format_setting() -> LogFormat:
    """SIGBOT_LOG_FORMAT from the environment or ``.env``; ``console`` when unset or bad."""
    try:
        return _LogSettings().log_format
    except ValidationError:
        return "console"


def _is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: traffic that never leaves the machine."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _env_name(field: str) -> str:
    for fname, info in Settings.model_fields.items():
        if field in (fname, info.alias):
            return info.alias or fname.upper()
    return field
