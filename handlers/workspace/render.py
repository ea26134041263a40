"""Render a page: one Jinja2 environment, the reader's language and formats in every template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from sigbot.handlers.workspace.auth import CSRF_FIELD, Principal
from sigbot.handlers.workspace.i18n import Formats, gettext, pick_language
from sigbot.handlers.workspace.words import words
from sigbot.languages import is_rtl
from sigbot.messages.texts import VALUE_MSGIDS
from sigbot.messages.translator import Translator

MESSAGES = Translator()  # the catalog of what people receive, for values quoted from it
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
templates = Jinja2Templates(directory=TEMPLATES)


def language_of(request: Request, principal: Principal | None) -> str:
    wanted = principal.account.language if principal else None
    return pick_language(wanted, request.headers.get("Accept-Language", ""))


def said_in(language: str) -> Any:
    """``said(value)``: a value sigbot itself wrote into an alert ("asked for help", "no
    answer", "can't come") in the reader's language; anything else (what a person wrote, an
    appointment's name) as it is."""

    def said(value: object) -> str:
        text = "" if value is None else str(value)
        return MESSAGES.lookup(language, text) if text in VALUE_MSGIDS else text

    return said


def render(
    request: Request,
    name: str,
    principal: Principal | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """``name`` rendered for ``principal`` (None on the login page) with ``context``."""
    language = language_of(request, principal)
    translate = gettext(language)
    return templates.TemplateResponse(
        request,
        name,
        {
            "_": translate,
            "word": words(translate),
            "said": said_in(language),
            "lang": language,
            "direction": "rtl" if is_rtl(language) else "ltr",
            "fmt": Formats(language),
            "me": principal.account if principal else None,
            "csrf_field": CSRF_FIELD,
            "csrf": principal.csrf if principal else "",
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )
