"""One case: GET /cases/{ref} and its forms."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
