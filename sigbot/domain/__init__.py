"""The operations that change a case, one module per aggregate. Every client (a plan file, a
Telegram command, a webhook, the scheduler, later the workspace) changes a case through these."""
