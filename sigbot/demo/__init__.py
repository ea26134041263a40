"""``sigbot demo``: about four weeks of an invented case, played in seconds on a simulated clock."""

from sigbot.demo.play import run_demo

__all__ = ["run_demo"]
