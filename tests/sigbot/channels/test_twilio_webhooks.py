"""Twilio's webhooks read by the channel module: signature, inbound SMS, status callbacks."""

from __future__ import annotations

import pytest

from sigbot.channels.base import DeliveryStatus, StatusUpdate
from sigbot.channels.twilio_sms import STATUSES, TwilioWebhooks
from sigbot.domain.inbound import Incoming
from sigbot.models.enums import ChannelKind
from tests.fakes import sign_twilio_request

TOKEN = "test-auth-token"
PUBLIC = "https://sigbot.example.org/"
HOOKS = TwilioWebhooks(auth_token=TOKEN, public_url=PUBLIC)
FORM = {"From": "+46701234568", "Body": "1", "MessageSid": "SM1"}


@pytest.mark.parametrize(
    ("signed_url", "path", "query", "ok"),
    [
        ("https://sigbot.example.org/twilio/sms", "/twilio/sms", "", True),
        ("https://sigbot.example.org/twilio/sms?x=1", "/twilio/sms", "x=1", True),
        ("https://sigbot.example.org/twilio/sms", "/twilio/sms", "x=1", False),
        ("https://sigbot.example.org/twilio/sms", "/twilio/status", "", False),
        ("https://evil.example/twilio/sms", "/twilio/sms", "", False),
    ],
)
def test_signature_covers_public_url_path_and_query(
    signed_url: str, path: str, query: str, ok: bool
) -> None:
    """Only a signature for SIGBOT_PUBLIC_URL + this path (+ query) passes."""
    signature = sign_twilio_request(TOKEN, signed_url, FORM)
    assert HOOKS.authentic(path=path, query=query, params=FORM, signature=signature) is ok


def test_signature_covers_the_form() -> None:
    """A changed field or a missing signature fails."""
    url = "https://sigbot.example.org/twilio/sms"
    signature = sign_twilio_request(TOKEN, url, FORM)
    changed = {**FORM, "Body": "3"}
    assert not HOOKS.authentic(path="/twilio/sms", query="", params=changed, signature=signature)
    assert not HOOKS.authentic(path="/twilio/sms", query="", params=FORM, signature="")
    other = TwilioWebhooks(auth_token="another-token", public_url=PUBLIC)
    assert not other.authentic(path="/twilio/sms", query="", params=FORM, signature=signature)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (FORM, Incoming(ChannelKind.SMS, "+46701234568", "1", "SM1")),
        ({"From": "+4670", "SmsSid": "SM2"}, Incoming(ChannelKind.SMS, "+4670", "", "SM2")),
        ({"From": "+4670", "Body": "hej"}, Incoming(ChannelKind.SMS, "+4670", "hej", None)),
        ({"Body": "1", "MessageSid": "SM3"}, None),
        ({"From": "", "Body": "1"}, None),
    ],
)
def test_inbound_sms(form: dict[str, str], expected: Incoming | None) -> None:
    """An inbound SMS becomes a provider-neutral Incoming; without From it is not one."""
    assert HOOKS.incoming(form) == expected


@pytest.mark.parametrize(
    ("word", "ours"),
    [
        ("accepted", DeliveryStatus.ACCEPTED),
        ("queued", DeliveryStatus.QUEUED),
        ("sending", DeliveryStatus.SENDING),
        ("sent", DeliveryStatus.SENT),
        ("delivered", DeliveryStatus.DELIVERED),
        ("undelivered", DeliveryStatus.UNDELIVERED),
        ("failed", DeliveryStatus.FAILED),
        ("read", DeliveryStatus.READ),
        ("DELIVERED", DeliveryStatus.DELIVERED),
    ],
)
def test_status_table(word: str, ours: DeliveryStatus) -> None:
    """Each of Twilio's statuses maps to ours; case does not matter."""
    form = {"MessageSid": "SM9", "MessageStatus": word, "ErrorCode": "30003"}
    assert HOOKS.status(form) == StatusUpdate(ChannelKind.SMS, "Twilio", "SM9", ours, "30003")


def test_status_table_is_complete() -> None:
    """Every status of ours has a Twilio word (the table above checks each one)."""
    assert set(STATUSES.values()) == set(DeliveryStatus)


@pytest.mark.parametrize(
    "form",
    [
        {"MessageSid": "SM9", "MessageStatus": "receiving"},
        {"MessageSid": "SM9", "MessageStatus": ""},
        {"MessageSid": "", "MessageStatus": "sent"},
        {"MessageStatus": "sent"},
    ],
)
def test_untracked_status_callbacks(form: dict[str, str]) -> None:
    """A status we do not track, or one without MessageSid, is not an update."""
    assert HOOKS.status(form) is None


def test_error_code_is_optional() -> None:
    """An empty ErrorCode is no error code."""
    update = HOOKS.status({"MessageSid": "SM9", "MessageStatus": "sent", "ErrorCode": ""})
    assert update is not None and update.error_code is None
