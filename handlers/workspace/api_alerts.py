"""JSON API for alerts under /api/v1/alerts."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
