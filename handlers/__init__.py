"""Telegram handlers: thin adapters from python-telegram-bot updates to sigbot's services."""
