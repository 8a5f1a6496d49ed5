"""Where the CLI finds its server URL and token: environment first, then the file `keel configure` writes."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from platformdirs import user_config_dir


@dataclass(frozen=True)
class Settings:
    url: str = ""
    token: str = ""
    project: str = ""


def config_path() -> Path:
    """`$XDG_CONFIG_HOME/keel/config.json` on Linux (platformdirs picks the platform's own place elsewhere)."""
    return Path(user_config_dir("keel", appauthor=False)) / "config.json"


def load() -> Settings:
    path = config_path()
    stored = json.loads(path.read_text()) if path.exists() else {}
    return Settings(
        url=os.environ.get("KEEL_URL") or stored.get("url", ""),
        token=os.environ.get("KEEL_TOKEN") or stored.get("token", ""),
        project=os.environ.get("KEEL_PROJECT") or stored.get("project", ""),
    )


def save(settings: Settings) -> Path:
    """Write the file readable by its owner only (it holds a token)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(settings), handle, indent=2)
    return path
