"""Put a built site in place of the published one, all at once."""

from __future__ import annotations

import shutil
from pathlib import Path


def publish(built: Path, output: Path) -> None:
    """Swap the new site in; the old one is removed only after the new one is in place."""
    previous = output.with_name(output.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if output.exists():
        output.rename(previous)
    built.rename(output)
    if previous.exists():
        shutil.rmtree(previous)
