"""JSON API for cases under /api/v1/cases."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
