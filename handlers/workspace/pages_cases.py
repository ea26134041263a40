"""The case list: GET /cases."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
