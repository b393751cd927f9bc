"""Configuration from ``foi-tracker.toml`` (optional): sensible defaults without it.

```toml
[http]
contact = "mailto:you@example.org"   # goes into the User-Agent so site admins can reach you
requests_per_second = 1.0            # per host; never more than 1 against public sites
timeout = 30
max_retries = 3
max_page_mb = 20
```
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_FILE = "foi-tracker.toml"


class ConfigError(ValueError):
    """A configuration file that cannot be used; str() is one line."""


@dataclass
class HttpConfig:
    contact: str | None = None
    requests_per_second: float = 1.0
    timeout: float = 30.0
    max_retries: int = 3
    max_page_mb: float = 20.0
    respect_robots: bool = True

    @property
    def min_interval(self) -> float:
        return 1.0 / self.requests_per_second if self.requests_per_second > 0 else 0.0


@dataclass
class Config:
    http: HttpConfig = field(default_factory=HttpConfig)
    raw: dict[str, Any] = field(default_factory=dict)  # every section, for the parts that read their own
    path: Path | None = None


def load_config(path: str | Path | None = None) -> Config:
    """Read ``path``, else ``$FOI_TRACKER_CONFIG``, else ``./foi-tracker.toml`` if it exists."""
    explicit = path or os.environ.get("FOI_TRACKER_CONFIG")
    candidate = Path(explicit) if explicit else Path(DEFAULT_CONFIG_FILE)
    if not candidate.exists():
        if explicit:
            raise ConfigError(f"{candidate}: configuration file not found")
        return Config()
    try:
        raw = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{candidate}: not valid TOML ({error})") from None
    http_section = raw.get("http", {})
    known = set(HttpConfig.__dataclass_fields__)
    unknown = set(http_section) - known
    if unknown:
        raise ConfigError(f"{candidate}: unknown [http] setting(s): {', '.join(sorted(unknown))}")
    try:
        http = HttpConfig(**http_section)
    except TypeError as error:
        raise ConfigError(f"{candidate}: {error}") from None
    if http.requests_per_second <= 0 or http.requests_per_second > 1.0:
        raise ConfigError(f"{candidate}: [http] requests_per_second must be > 0 and at most 1")
    return Config(http=http, raw=raw, path=candidate)
