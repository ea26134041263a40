"""`sigbot run` as a user runs it: a real process against the fake Telegram and Twilio servers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.fakes import FakeTelegramServer, FakeTwilioServer, sign_twilio_request
from tests.sigbot.env import EXAMPLE

SIGBOT = [sys.executable, "-m", "sigbot"]
SECRET_KEY = "test-secret-key-for-workspace-sessions-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out waiting")


async def _cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *SIGBOT, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    return int(proc.returncode or 0), out.decode(), err.decode()


def _service_env(
    tmp_path: Path, port: int, tg: FakeTelegramServer, tw: FakeTwilioServer
) -> dict[str, str]:
    """The environment of a ``sigbot`` process wired to the two fake providers."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_URL": tg.base_url,
        "TWILIO_ACCOUNT_SID": tw.account_sid,
        "TWILIO_AUTH_TOKEN": tw.auth_token,
        "TWILIO_FROM": "+46700000000",
        "TWILIO_API_URL": tw.base_url,
        "SIGBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SIGBOT_HTTP_PORT": str(port),
        "SIGBOT_SECRET_KEY": SECRET_KEY,
        "NO_PROXY": "127.0.0.1,localhost",
    }


async def _check_health_and_reply(port: int, tg: FakeTelegramServer, tw: FakeTwilioServer) -> None:
    """/healthz answers; Noah replies on Telegram and Leila by a signed SMS webhook."""
    async with httpx.AsyncClient(trust_env=False) as client:
        health = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200, health.text
        assert health.json()["channels"]["telegram"]["enabled"] is True
        tg.push_message(1001, "1")
        params = {"From": "+46701234568", "Body": "1", "MessageSid": "SMrun1"}
        url = f"http://127.0.0.1:{port}/twilio/sms"
        sms = await client.post(
            url,
            data=params,
            headers={"X-Twilio-Signature": sign_twilio_request(tw.auth_token, url, params)},
        )
        assert sms.status_code == 200


async def test_run_sends_and_receives_on_both_channels(tmp_path: Path) -> None:
    """A due message reaches a Telegram chat and a phone; a reply to each lands in the journal;
    SIGTERM stops the service with exit code 0."""
    port = _free_port()
    plan = tmp_path / "case.yaml"
    plan.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            'quiet_hours: "21:00-08:00"', "quiet_hours: none"
        ),
        encoding="utf-8",
    )
    async with FakeTelegramServer() as tg, FakeTwilioServer() as tw:
        env = _service_env(tmp_path, port, tg, tw)
        assert (await _cli(env, "init"))[0] == 0
        code, out, err = await _cli(env, "import", str(plan))
        assert code == 0, err
        proc = await asyncio.create_subprocess_exec(
            *SIGBOT, "run", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        try:
            await _until(
                lambda: bool(tg.messages_to(1001)) and bool(tw.messages_to("+46701234568"))
            )
            await _check_health_and_reply(port, tg, tw)

            def _both_replied() -> bool:
                return len(tw.messages_to("+46701234568")) >= 3 and any(
                    "Tack" in m.text or "Thanks" in m.text for m in tg.messages_to(1001)
                )

            await _until(_both_replied)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, stderr.decode()[-2000:]
        assert "+4670" not in stderr.decode(), "logs must carry no phone numbers"
        code, out, _ = await _cli(env, "journal", "ST-2026-014", "--format", "json")
        entries = json.loads(out)
        replies = [e for e in entries if e["kind"] == "reply.received"]
        assert {e["member"] for e in replies} == {"noah", "leila"}
        assert any(e["kind"] == "message.sent" and e["data"]["channel"] == "sms" for e in entries)


async def test_invite_prints_a_one_time_deep_link(tmp_path: Path) -> None:
    """`sigbot invite` asks the Bot API for the bot's name and prints t.me/<bot>?start=<code>;
    the code links Karin's chat once."""
    async with FakeTelegramServer() as tg:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'inv.db'}",
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.base_url,
            "NO_PROXY": "127.0.0.1,localhost",
        }
        assert (await _cli(env, "import", str(EXAMPLE)))[0] == 0
        code, out, err = await _cli(env, "invite", "ST-2026-014", "karin")
        assert code == 0, err
        link = out.strip().splitlines()[-1]
        assert link.startswith("https://t.me/sigbot_test_bot?start=")
        assert len(link.rsplit("=", 1)[1]) <= 64
        code, _, err = await _cli(env, "invite", "ST-2026-014", "nobody")
        assert code == 1 and "no active member 'nobody'" in err
        code, _, err = await _cli(env, "invite", "NOPE", "karin")
        assert code == 1 and "no case with reference 'NOPE'" in err


async def test_run_refuses_to_start_with_a_clear_line(tmp_path: Path) -> None:
    """A port already in use and a Bot API that cannot be reached each stop `sigbot run`
    at once with exit code 2 and a line naming the setting."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
            "SIGBOT_HTTP_PORT": str(port),
            "SIGBOT_WORKSPACE": "off",
        }
        code, _, err = await _cli(env, "run")
        assert code == 2 and "SIGBOT_HTTP_PORT" in err
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        "SIGBOT_HTTP_PORT": str(_free_port()),
        "TELEGRAM_BOT_TOKEN": "1:x",
        "TELEGRAM_API_URL": f"http://127.0.0.1:{_free_port()}/bot",
        "SIGBOT_SECRET_KEY": SECRET_KEY,
    }
    code, _, err = await _cli(env, "run")
    assert code == 2 and "TELEGRAM_API_URL" in err
    code, _, err = await _cli({**env, "SIGBOT_TIMEZONE": "Mars/Olympus"}, "run")
    assert code == 2 and "SIGBOT_TIMEZONE" in err


async def test_run_refuses_to_serve_the_workspace_without_a_secret_key(tmp_path: Path) -> None:
    """Without SIGBOT_SECRET_KEY ``sigbot run`` stops at start with one line naming it (and the
    way out, SIGBOT_WORKSPACE=off); a short key is refused as well."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        "SIGBOT_HTTP_PORT": str(_free_port()),
    }
    env.pop("SIGBOT_SECRET_KEY", None)
    code, _, err = await _cli(env, "run")
    assert code == 2
    assert "SIGBOT_SECRET_KEY" in err and "SIGBOT_WORKSPACE=off" in err
    code, _, err = await _cli({**env, "SIGBOT_SECRET_KEY": "too-short"}, "run")
    assert code == 2 and "SIGBOT_SECRET_KEY: must be at least 32 characters" in err


async def test_run_in_webhook_mode(tmp_path: Path) -> None:
    """Webhook mode registers the URL and secret with Telegram and handles posted updates;
    a post without the secret is refused."""
    port = _free_port()
    plan = tmp_path / "case.yaml"
    plan.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            'quiet_hours: "21:00-08:00"', "quiet_hours: none"
        ),
        encoding="utf-8",
    )
    secret = "s3cret-token-for-tests"
    async with FakeTelegramServer() as tg:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'wh.db'}",
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.base_url,
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_SECRET": secret,
            "SIGBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "SIGBOT_HTTP_PORT": str(port),
            "SIGBOT_WORKSPACE": "off",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        assert (await _cli(env, "import", str(plan)))[0] == 0
        proc = await asyncio.create_subprocess_exec(
            *SIGBOT, "run", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        try:
            await _until(lambda: bool(tg.messages_to(1001)))
            hooks = [p for m, p in tg.requests if m == "setWebhook"]
            assert hooks and hooks[0]["url"] == f"http://127.0.0.1:{port}/telegram/webhook"
            assert hooks[0]["secret_token"] == secret
            assert not [m for m, _ in tg.requests if m == "getUpdates"]
            update = tg.push_message(1001, "1")
            url = f"http://127.0.0.1:{port}/telegram/webhook"
            async with httpx.AsyncClient(trust_env=False) as client:
                refused = await client.post(url, json=update)
                assert refused.status_code == 403
                accepted = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
                )
                assert accepted.status_code == 200
            await _until(lambda: any("Tack" in m.text for m in tg.messages_to(1001)))
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, stderr.decode()[-2000:]
