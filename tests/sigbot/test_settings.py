"""Settings: the contract's variables, defaults, and one clear line per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from sigbot.settings import SettingsError, load_settings


def test_defaults_match_the_contract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With nothing set: embedded SQLite, Telegram's and Twilio's own URLs, 127.0.0.1:8080."""
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///sigbot.db"
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.twilio_api_url == "https://api.twilio.com"
    assert settings.public_url == "http://localhost:8080"
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
    assert settings.timezone == "Europe/Stockholm"
    assert settings.log_format == "console" and settings.retention_days == 365
    assert not settings.telegram_enabled and not settings.sms_enabled


def test_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A .env file in the working directory configures sigbot like the environment does."""

    directory = Path(str(tmp_path))
    (directory / ".env").write_text("SIGBOT_HTTP_PORT=9090\nTWILIO_FROM=MG123\n", encoding="utf-8")
    monkeypatch.chdir(directory)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC1")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    settings = load_settings()
    assert settings.http_port == 9090 and settings.sms_enabled


@pytest.mark.parametrize(
    ("env", "names"),
    [
        pytest.param({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL", id="driver"),
        pytest.param({"DATABASE_URL": "::nonsense"}, "DATABASE_URL", id="not-a-url"),
        pytest.param({"SIGBOT_TIMEZONE": "Europe/Stokholm"}, "SIGBOT_TIMEZONE", id="zone"),
        pytest.param({"SIGBOT_HTTP_PORT": "80800"}, "SIGBOT_HTTP_PORT", id="port-range"),
        pytest.param({"SIGBOT_HTTP_PORT": "http"}, "SIGBOT_HTTP_PORT", id="port-word"),
        pytest.param({"TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL", id="scheme"),
        pytest.param({"SIGBOT_PUBLIC_URL": "sigbot.se"}, "SIGBOT_PUBLIC_URL", id="public"),
        pytest.param(
            {"SIGBOT_PUBLIC_URL": "http://sigbot.example.se"}, "SIGBOT_PUBLIC_URL", id="plain-http"
        ),
        pytest.param(
            {"SIGBOT_PUBLIC_URL": "http://10.0.0.5:8080"}, "SIGBOT_PUBLIC_URL", id="http-lan"
        ),
        pytest.param(
            {"SIGBOT_PUBLIC_URL": "http://localhost.evil.se"}, "SIGBOT_PUBLIC_URL", id="lookalike"
        ),
        pytest.param({"SIGBOT_PUBLIC_URL": "https://"}, "SIGBOT_PUBLIC_URL", id="no-host"),
        pytest.param({"SIGBOT_LOG_FORMAT": "xml"}, "SIGBOT_LOG_FORMAT", id="log-format"),
        pytest.param({"SIGBOT_RETENTION_DAYS": "0"}, "SIGBOT_RETENTION_DAYS", id="retention-0"),
        pytest.param({"SIGBOT_RETENTION_DAYS": "a year"}, "SIGBOT_RETENTION_DAYS", id="retention"),
        pytest.param(
            {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_FROM": "+46700000000"},
            "TWILIO_AUTH_TOKEN",
            id="twilio-incomplete",
        ),
        pytest.param(
            {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM": "0701"},
            "TWILIO_FROM",
            id="sender",
        ),
        pytest.param(
            {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_MODE": "webhook"},
            "TELEGRAM_WEBHOOK_SECRET",
            id="webhook-secret",
        ),
    ],
)
def test_bad_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], names: str
) -> None:
    """Each malformed or missing setting gives one line that names it."""
    monkeypatch.chdir(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert names in message and "\n" not in message


@pytest.mark.parametrize(
    "url",
    [
        "https://sigbot.example.kommun.se",
        "http://localhost:8080",
        "http://LOCALHOST",
        "http://127.0.0.1:9000",
        "http://127.8.9.10",
        "http://[::1]:8080",
    ],
)
def test_public_url_https_or_loopback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str
) -> None:
    """SIGBOT_PUBLIC_URL is accepted when it is https or stays on this machine."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIGBOT_PUBLIC_URL", url)
    assert load_settings().public_url == url.rstrip("/")


def test_log_format_and_retention_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """SIGBOT_LOG_FORMAT=JSON and SIGBOT_RETENTION_DAYS=30 reach the settings."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIGBOT_LOG_FORMAT", "JSON")
    monkeypatch.setenv("SIGBOT_RETENTION_DAYS", "30")
    settings = load_settings()
    assert (settings.log_format, settings.retention_days) == ("json", 30)
