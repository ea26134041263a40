"""The outbox: every message a row first, then a send (store, messenger, dispatcher)."""
