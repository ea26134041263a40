"""Starting and stopping an aiohttp app on 127.0.0.1, shared by the fake providers."""

from __future__ import annotations

from aiohttp import web


async def start_local(app: web.Application, port: int) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on 127.0.0.1:``port`` (0: any free port); returns the runner and port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    server = site._server
    assert server is not None
    return runner, int(server.sockets[0].getsockname()[1])  # type: ignore[union-attr]  # a started TCP site has sockets
