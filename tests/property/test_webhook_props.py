"""Webhook parsers: any form Twilio (or anyone) posts and any body sent to the Telegram webhook
gives the documented result and nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from telegram import Bot, Update

from sigbot.channels.base import StatusUpdate
from sigbot.channels.telegram import incoming_text, update_from_body
from sigbot.channels.twilio_sms import STATUSES, TwilioWebhooks
from sigbot.domain.inbound import Incoming
from sigbot.models.enums import ChannelKind
from tests.property import FAST

HOOKS = TwilioWebhooks(auth_token="test-auth-token", public_url="https://sigbot.example.org")
FIELDS = ["From", "To", "Body", "MessageSid", "SmsSid", "MessageStatus", "ErrorCode", "NumMedia"]
FORMS = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(max_size=20)),
    st.one_of(st.text(), st.sampled_from(sorted(STATUSES)), st.sampled_from(["", "+46701234567"])),
    max_size=8,
)


@FAST
@given(FORMS)
@example({"From": "", "Body": "hej"})
@example({"From": "+46701234567", "Body": "\x00" * 2000})
def test_any_form_is_an_incoming_sms_or_none(form: dict[str, str]) -> None:
    """An inbound form with a From is an Incoming carrying From and Body; otherwise None."""
    incoming = HOOKS.incoming(form)
    if not form.get("From"):
        assert incoming is None
        return
    assert isinstance(incoming, Incoming)
    assert incoming.channel == ChannelKind.SMS
    assert (incoming.address, incoming.text) == (form["From"], form.get("Body", ""))


@FAST
@given(FORMS)
@example({"MessageSid": "SM1", "MessageStatus": "DELIVERED"})
def test_any_form_is_a_status_update_or_none(form: dict[str, str]) -> None:
    """A status form is a StatusUpdate only with a MessageSid and a status we track."""
    update = HOOKS.status(form)
    if update is None:
        return
    assert isinstance(update, StatusUpdate)
    assert update.provider_id == form["MessageSid"] != ""
    assert update.status == STATUSES[form["MessageStatus"].lower()]


@FAST
@given(FORMS, st.text(max_size=40), st.text(max_size=40))
def test_any_signature_check_is_a_yes_or_no(form: dict[str, str], query: str, sig: str) -> None:
    """Checking a forged or garbled signature answers False; it never raises."""
    assert HOOKS.authentic(path="/twilio/sms", query=query, params=form, signature=sig) is False


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(st.one_of(st.binary(), JSONISH.map(lambda v: json.dumps(v).encode())))
@example(b"\xff\xfe")
@example(b"[]")
@example(b"")
def test_any_body_is_an_update_object_or_a_value_error(body: bytes) -> None:
    """update_from_body gives a dict or raises ValueError ("not JSON" / "not an update")."""
    try:
        data = update_from_body(body)
    except ValueError as exc:
        assert str(exc) in {"not JSON", "not an update"}
        return
    assert isinstance(data, dict)


def test_deeply_nested_body_is_refused_as_not_json() -> None:
    """A body nested 100,000 deep is "not JSON", not a RecursionError (a 500 at the webhook)."""
    with pytest.raises(ValueError, match="not JSON"):
        update_from_body(b"[" * 100_000)


CHATS = st.fixed_dictionaries(
    {
        "id": st.integers(min_value=-(10**13), max_value=10**13),
        "type": st.sampled_from(["private", "group", "supergroup", "channel"]),
    },
    optional={"first_name": st.text(max_size=30)},
)
MESSAGES = st.fixed_dictionaries(
    {
        "message_id": st.integers(min_value=1, max_value=2**31 - 1),
        "date": st.integers(min_value=0, max_value=2**31 - 1),
        "chat": CHATS,
    },
    optional={"text": st.text(max_size=200), "caption": st.text(max_size=50)},
)
UPDATES = st.fixed_dictionaries(
    {"update_id": st.integers(min_value=0, max_value=2**31 - 1)},
    optional={"message": MESSAGES, "edited_message": MESSAGES},
)


@FAST
@given(UPDATES)
def test_any_update_is_incoming_text_or_none(data: dict[str, Any]) -> None:
    """An update with a text message is an Incoming from its chat; any other update is None."""
    update = Update.de_json(data, Bot("1:property"))
    incoming = incoming_text(update)
    message = data.get("message") or data.get("edited_message")
    if message is None or "text" not in message:
        assert incoming is None
        return
    assert isinstance(incoming, Incoming)
    assert incoming.channel == ChannelKind.TELEGRAM
    assert incoming.address == str(message["chat"]["id"])
    assert incoming.text == message["text"]
