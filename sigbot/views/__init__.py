"""Read models for the workspace pages, the JSON API and the coordinator's Telegram commands.

One place answers "what does this account need to see", so the three front ends share their
queries and the access rule (``sigbot.domain.access.visible_case_ids``) is applied once. Every
function takes the session (and the account or the case, and ``now``) and returns frozen
dataclasses: no ORM row leaves this package. Times are aware UTC datetimes; each row carries its
case's time-zone name so a front end shows it in local time.
"""
