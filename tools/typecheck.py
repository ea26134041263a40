"""Run mypy on sigbot as it installs: handlers/ and scheduler/ inside the sigbot package.

The repository keeps the three rooms side by side (handlers/, scheduler/, sigbot/) and setuptools'
``package-dir`` installs the first two as ``sigbot.handlers`` and ``sigbot.scheduler``. mypy knows
nothing of ``package-dir``, so this builds that layout from symbolic links in a temporary folder,
type-checks it with the settings in pyproject.toml, and prints the findings with repository
paths. Usage: ``.venv/bin/python tools/typecheck.py`` (CI runs it).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = {"handlers": ROOT / "handlers", "scheduler": ROOT / "scheduler"}


def build_layout(into: Path) -> Path:
    """``into/sigbot`` with every entry of sigbot/ plus the two rooms, all as links."""
    package = into / "sigbot"
    package.mkdir()
    for entry in (ROOT / "sigbot").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for name, folder in ROOMS.items():
        (package / name).symlink_to(folder)
    return package


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="sigbot-mypy-") as tmp:
        package = build_layout(Path(tmp))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "--cache-dir",
                str(ROOT / ".mypy_cache"),
                "-p",
                "sigbot",
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        )
        out = result.stdout + result.stderr
        for name in ROOMS:
            out = out.replace(f"sigbot/{name}/", f"{name}/")
        out = out.replace(str(package) + "/", "sigbot/")
        print(out, end="")
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
