"""Configuration from ``foi-tracker.toml`` (optional): sensible defaults without it.

```toml
[http]
contact = "mailto:you@example.org"   # goes into the User-Agent so site admins can reach you
requests_per_second = 1.0            # per host; never more than 1 against public sites
timeout = 30                         # seconds a connect or a read may take
request_deadline = 60                # seconds a whole request may take, every byte of the answer included
host_budget = 1800                   # seconds one host may take of a run; the rest waits for the next run
max_retry_after = 120                # longest Retry-After waited for; a longer one reschedules the thread
max_retries = 3
max_page_mb = 20
connect_to = { "alaveteli.localhost" = "127.0.0.1:8080" }  # host -> address to connect to (default: none)

[poll]
max_threads = 500                    # per run, shared fairly across sites (default: all that are due)

[email]
me = ["you@example.org"]             # your addresses, so imported e-mail knows which side you are
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
    timeout: float = 30.0  # per operation: a connect, one read
    request_deadline: float = 60.0  # a whole request: connecting, sending, every byte of the answer
    host_budget: float = 1800.0  # the time one host may take of a run
    max_retry_after: float = 120.0  # the longest Retry-After waited for
    max_retries: int = 3
    max_page_mb: float = 20.0
    respect_robots: bool = True
    # host[:port] -> the host[:port] to open connections to instead (like curl --connect-to);
    # URLs, robots.txt, rate limits and ids stay the host's own.
    connect_to: dict[str, str] = field(default_factory=dict)

    @property
    def min_interval(self) -> float:
        return 1.0 / self.requests_per_second if self.requests_per_second > 0 else 0.0

    @property
    def max_page_bytes(self) -> int:
        return int(self.max_page_mb * 1024 * 1024)


@dataclass
class PollConfig:
    max_threads: int | None = None  # per run, shared fairly across sites; None: every due thread


@dataclass
class EmailConfig:
    me: list[str] = field(default_factory=list)  # your addresses: your messages are outgoing


@dataclass
class Config:
    http: HttpConfig = field(default_factory=HttpConfig)
    poll: PollConfig = field(default_factory=PollConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
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
    http = _section(candidate, raw, "http", HttpConfig)
    if http.requests_per_second <= 0 or http.requests_per_second > 1.0:
        raise ConfigError(f"{candidate}: [http] requests_per_second must be > 0 and at most 1")
    for key in ("request_deadline", "host_budget", "max_retry_after"):
        value = getattr(http, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"{candidate}: [http] {key} must be a number of seconds greater than 0")
    if not isinstance(http.connect_to, dict) or not all(isinstance(v, str) for v in http.connect_to.values()):
        raise ConfigError(f"{candidate}: [http] connect_to must map host names to \"host:port\" addresses")
    poll = _section(candidate, raw, "poll", PollConfig)
    if poll.max_threads is not None and (not isinstance(poll.max_threads, int) or poll.max_threads < 1):
        raise ConfigError(f"{candidate}: [poll] max_threads must be a whole number of at least 1")
    email = _section(candidate, raw, "email", EmailConfig)
    return Config(http=http, poll=poll, email=email, raw=raw, path=candidate)


def _section(path: Path, raw: dict[str, Any], name: str, kind: type):
    """One [section] of the file as its dataclass, refusing settings it does not know."""
    values = raw.get(name, {})
    unknown = set(values) - set(kind.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"{path}: unknown [{name}] setting(s): {', '.join(sorted(unknown))}")
    return kind(**values)
