"""Run the fake Telegram Bot API and Twilio REST servers by hand, to try ``sigbot run`` locally.

    .venv/bin/python -m tests.fakes.serve

prints the environment to give ``sigbot run`` and every message sigbot sends. Talk back with
``curl`` (see README: "Try it against a local fake").
"""

from __future__ import annotations

import asyncio
import contextlib

from tests.fakes.telegram_api import FakeTelegramServer
from tests.fakes.twilio_api import FakeTwilioServer

TELEGRAM_PORT = 8090
TWILIO_PORT = 8091


async def main() -> None:
    async with (
        FakeTelegramServer(port=TELEGRAM_PORT) as tg,
        FakeTwilioServer(port=TWILIO_PORT) as tw,
    ):
        print("Fake providers running. Start sigbot with:\n")
        print(f"  export TELEGRAM_BOT_TOKEN={tg.token}")
        print(f"  export TELEGRAM_API_URL={tg.base_url}")
        print(f"  export TWILIO_ACCOUNT_SID={tw.account_sid}")
        print(f"  export TWILIO_AUTH_TOKEN={tw.auth_token}")
        print("  export TWILIO_FROM=+46700000000")
        print(f"  export TWILIO_API_URL={tw.base_url}\n", flush=True)
        shown_tg = shown_tw = 0
        while True:
            for m in tg.sent[shown_tg:]:
                print(f"[telegram → chat {m.chat_id}] {m.text}", flush=True)
            for s in tw.sent[shown_tw:]:
                print(f"[sms → {s.to}] {s.body}", flush=True)
            shown_tg, shown_tw = len(tg.sent), len(tw.sent)
            await asyncio.sleep(0.3)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
