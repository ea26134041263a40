"""`sigbot demo` plays four weeks and shows what the issue promises."""

from __future__ import annotations

from pathlib import Path

from sigbot.demo import run_demo
from sigbot.messages.translator import Translator


async def test_demo_plays_four_weeks(tmp_path: Path) -> None:
    """Reminders, answers, thinning check-ins, a miss, an escalation and its acknowledgement,
    the network meeting and the new plan sent out."""
    lines: list[str] = []
    counts = await run_demo(
        catalog=Translator(), out=lines.append, database_path=tmp_path / "demo.db"
    )
    text = "\n".join(lines)
    assert counts["sent"] > 50 and counts["answers"] > 20
    assert "the reminder of an appointment sent to Noah via Telegram: Påminnelse: BUP" in text
    # the missed commitment
    assert "no answer from Leila to the question whether a promise was kept" in text
    assert "escalated to the coordinator" in text
    assert "Maja will call" in text  # acknowledged
    assert "not acknowledged in time, sent to backup jonas" in text
    assert "2 misses within 7 days" in text
    assert "action plan version 2" in text
    assert "the new plan sent to Noah via Telegram: Det här har du lovat" in text
    assert "the invitation to a network meeting not sent to Erik: no consent" in text
    check_in_days = [line.split()[1] for line in lines if "the check-in sent to Noah" in line]
    assert len(check_in_days) < 20, "adaptive check-ins should thin out over four weeks"
    assert counts["open_escalations"] == 0
