"""Channels: one module per provider behind one small interface (``base.Channel``)."""
