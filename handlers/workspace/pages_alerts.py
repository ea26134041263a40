"""Open alerts: GET /alerts, acknowledge with a note."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
