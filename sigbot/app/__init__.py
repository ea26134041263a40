"""The wiring: the one place that knows all three rooms. ``core`` builds what every way of
running sigbot shares; ``runtime`` adds what the settings switch on; ``service`` starts and stops
it. Nothing starts at import time."""

from sigbot.app.core import Core, CoreOptions, build_core
from sigbot.app.runtime import Runtime, build_runtime
from sigbot.app.service import StartupError, run_until_signal, start, stop

__all__ = [
    "Core",
    "CoreOptions",
    "Runtime",
    "StartupError",
    "build_core",
    "build_runtime",
    "run_until_signal",
    "start",
    "stop",
]
