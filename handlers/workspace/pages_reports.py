"""Reports per case and per team, and a case's printable closing summary."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
