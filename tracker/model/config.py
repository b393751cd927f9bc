"""Configuration from ``foi-tracker.toml`` (optional): sensible defaults without it.

Every setting is declared once, here, as one field of its section's dataclass: the field's name
is the key, its annotation the type and its ``setting(...)`` the default, the help line and, where
they apply, the allowed values, the bounds and an example. Loading a file checks every value
against that declaration, so a bad file is one line naming the section, the key and what it must
be: unknown sections and keys (with the valid ones named), a string where a list or a boolean is
meant, a number out of bounds, a value not in the allowed list. To add a setting, add one field.

The README's configuration section is written from these declarations
(``scripts/readme_schema.py``; ``tests/test_readme.py`` keeps it equal). ``Config.raw`` keeps
the file as read; the typed sections (``config.http.timeout``) are what the code reads.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import time
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Callable, Iterator, Union, get_args, get_origin, get_type_hints

DEFAULT_CONFIG_FILE = "foi-tracker.toml"
NOTIFY_CHANNELS = ("stdout", "email", "webhook")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(ValueError):
    """A configuration file that cannot be used; str() is one line."""


def setting(default: Any, help: str, *, allowed: tuple[str, ...] = (), above: float | None = None,
            minimum: float | None = None, maximum: float | None = None, example: Any = None,
            key: str | None = None, normalise: Callable[[str], str] | None = None) -> Any:
    """Declare one setting: a dataclass field carrying its help, allowed values and bounds.

    ``above`` is an exclusive lower bound, ``minimum`` and ``maximum`` inclusive ones; ``example``
    is what the README shows instead of the default (needed when the default is None);
    ``key`` is the TOML key when it is not a Python name (``from``); ``normalise`` maps a
    string to its canonical form before it is checked against ``allowed``.
    """
    metadata = {"help": help, "allowed": allowed, "above": above, "minimum": minimum, "maximum": maximum,
                "example": example, "key": key, "normalise": normalise}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def _weekday(text: str) -> str:
    """``Sunday`` or ``sun`` (any case) as ``sun``; anything else unchanged, to be refused."""
    lowered = text.lower()
    full = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    return lowered[:3] if lowered in full else lowered


# ---------------------------------------------------------------------------------------------
# The declaration: one field per setting, one dataclass per [section]


@dataclass
class HttpConfig:
    contact: str | None = setting(None, "put in the User-Agent so site admins can reach you",
                                  example="mailto:you@example.org")
    requests_per_second: float = setting(1.0, "per host, at most 1 (loopback hosts are not throttled)",
                                         above=0, maximum=1)
    timeout: float = setting(30.0, "seconds a connect or a read may take", above=0)
    request_deadline: float = setting(60.0, "seconds a whole request may take, every byte of the answer included",
                                      above=0)
    host_budget: float = setting(1800.0, "seconds one host may take of a run; the rest waits for the next run",
                                 above=0)
    max_retry_after: float = setting(120.0, "longest Retry-After waited for; a longer one reschedules the thread",
                                     above=0)
    max_retries: int = setting(3, "retries of a failed or throttled fetch", minimum=0)
    max_page_mb: float = setting(20.0, "larger pages are refused", above=0)
    respect_robots: bool = setting(True, "obey robots.txt for pages")
    connect_to: dict[str, str] = setting(
        {}, "host[:port] -> the address to connect to instead (see below)",
        example={"alaveteli.localhost": "127.0.0.1:8080"})

    @property
    def min_interval(self) -> float:
        return 1.0 / self.requests_per_second if self.requests_per_second > 0 else 0.0

    @property
    def max_page_bytes(self) -> int:
        return int(self.max_page_mb * 1024 * 1024)


@dataclass
class PollConfig:
    max_threads: int | None = setting(None, "threads per run, shared fairly across sites; none: every due thread",
                                      minimum=1, example=500)


@dataclass
class EmailConfig:
    me: list[str] = setting([], "your addresses: imported e-mail from them is yours",
                            example=["you@example.org"])


@dataclass
class NotifyEmailConfig:
    host: str | None = setting(None, "SMTP server", example="smtp.example.org")
    port: int = setting(25, "SMTP port", minimum=1, maximum=65535, example=587)
    sender: str | None = setting(None, "the From address", key="from", example="foi-tracker@example.org")
    to: list[str] = setting([], "the recipients", example=["me@example.org"])
    starttls: bool = setting(False, "upgrade the connection with STARTTLS", example=True)
    username: str | None = setting(None, "log in as this user; none: no login", example="foi-tracker")
    password_env: str | None = setting(None, "the password is read from this environment variable",
                                       example="FOI_SMTP_PASSWORD")
    timeout: float = setting(30.0, "seconds", above=0)


@dataclass
class NotifyWebhookConfig:
    url: str | None = setting(None, "one JSON POST per new flag", example="https://hooks.example.org/foi")
    timeout: float = setting(10.0, "seconds", above=0)


@dataclass
class NotifyConfig:
    channels: list[str] = setting(["stdout"], "where new flags go, in this order", allowed=NOTIFY_CHANNELS,
                                  example=list(NOTIFY_CHANNELS))
    email: NotifyEmailConfig = field(default_factory=NotifyEmailConfig)
    webhook: NotifyWebhookConfig = field(default_factory=NotifyWebhookConfig)


@dataclass
class ScheduleConfig:
    poll_every_minutes: int = setting(60, "polling interval (up to 10% jitter, at most 5 minutes)",
                                      minimum=1, maximum=7 * 24 * 60)
    poll_on_start: bool = setting(False, "true: also poll once as soon as the scheduler starts")
    late_check_at: time = setting(time(6, 0), "the daily late check, Europe/London time")
    refresh_authorities_on: str = setting("mon", "the day of the weekly refresh of all-authorities.csv",
                                          allowed=WEEKDAYS, normalise=_weekday)
    refresh_authorities_at: time = setting(time(4, 30), "and its time, Europe/London")


@dataclass
class Config:
    http: HttpConfig = field(default_factory=HttpConfig)
    poll: PollConfig = field(default_factory=PollConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    raw: dict[str, Any] = field(default_factory=dict)  # the file as read
    path: Path | None = None

    def __post_init__(self) -> None:
        """Each section present in ``raw`` is checked and replaces its typed default."""
        where = f"{self.path}: " if self.path else ""
        for name, value in _section_values(Config, self.raw, "", where).items():
            setattr(self, name, value)


# ---------------------------------------------------------------------------------------------
# Reading and checking


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
        raise ConfigError(f"{candidate}: not valid TOML ({' '.join(str(error).split())})") from None
    except OSError as error:
        raise ConfigError(f"{candidate}: {error.strerror or error}") from None
    return Config(raw=raw, path=candidate)


@dataclass(frozen=True)
class Setting:
    """One declared setting, as the README and the checks see it."""

    section: str  # "http", "notify.email"
    key: str  # as written in the file
    name: str  # the dataclass field
    default: Any
    help: str
    allowed: tuple[str, ...]
    example: Any

    @property
    def shown(self) -> Any:
        """The value the README shows: the example, else the default."""
        return self.example if self.example is not None else self.default


def declared(kind: type = Config, section: str = "") -> Iterator[Setting | str]:
    """Every section name (a str, before its settings) and every Setting, in declaration order."""
    hints = get_type_hints(kind)
    nested = []
    for item in fields(kind):
        if item.name in ("raw", "path"):
            continue
        annotation = hints[item.name]
        key = item.metadata.get("key") or item.name
        name = f"{section}.{key}" if section else key
        if is_dataclass(annotation):
            nested.append((annotation, name))
            continue
        default = item.default if item.default is not MISSING else item.default_factory()
        yield Setting(section, key, item.name, default, item.metadata.get("help", ""),
                      item.metadata.get("allowed", ()), item.metadata.get("example"))
    for annotation, name in nested:
        yield name
        yield from declared(annotation, name)


def _section_values(kind: type, values: Any, section: str, where: str) -> dict[str, Any]:
    """The checked values of one table of the file, by field name (sub-tables as dataclasses)."""
    if not isinstance(values, dict):
        raise ConfigError(f"{where}[{section}] must be a table of settings, not {toml_value(values)}")
    hints = get_type_hints(kind)
    by_key = {item.metadata.get("key") or item.name: item for item in fields(kind) if item.name not in ("raw", "path")}
    unknown = sorted(key for key in values if key not in by_key)
    if unknown and section:
        raise ConfigError(f"{where}unknown [{section}] setting(s): {', '.join(unknown)} "
                          f"(valid: {', '.join(sorted(by_key))})")
    if unknown:
        raise ConfigError(f"{where}unknown section(s): {', '.join(f'[{key}]' for key in unknown)} "
                          f"(valid: {', '.join(f'[{key}]' for key in sorted(by_key))})")
    checked: dict[str, Any] = {}
    for key, value in values.items():
        item = by_key[key]
        annotation = hints[item.name]
        name = f"{section}.{key}" if section else key
        if is_dataclass(annotation):
            checked[item.name] = annotation(**_section_values(annotation, value, name, where))
        else:
            checked[item.name] = _checked(value, annotation, item.metadata, f"{where}[{section}] {key}")
    return checked


_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
          time: 'a time like "06:00"'}
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _checked(value: Any, annotation: Any, meta: Any, name: str) -> Any:
    """``value`` as the declared type, within bounds and allowed values; else one-line ConfigError."""
    kind = _without_none(annotation)
    origin = get_origin(kind)
    if origin is list:
        if isinstance(value, str):  # one item
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{name} must be a list of text, like [\"a\", \"b\"], not {toml_value(value)}")
        return [_allowed(item, meta, name) for item in value]
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
            raise ConfigError(f"{name} must be a table of text values, like {{ \"a\" = \"b\" }}, not {toml_value(value)}")
        return dict(value)
    if kind is time:
        if isinstance(value, str) and _CLOCK.fullmatch(value.strip()):
            hours, minutes = value.strip().split(":")
            return time(int(hours), int(minutes))
        if isinstance(value, time) and value.tzinfo is None:
            return value
        raise ConfigError(f"{name} must be {_WORDS[time]}, not {toml_value(value)}")
    right = {bool: isinstance(value, bool), str: isinstance(value, str),
             int: isinstance(value, int) and not isinstance(value, bool),
             float: isinstance(value, (int, float)) and not isinstance(value, bool)}[kind]
    if not right:
        raise ConfigError(f"{name} must be {_WORDS[kind]}, not {toml_value(value)}")
    if kind is float:
        value = float(value)
    if kind in (int, float):
        _within(value, meta, name)
    if kind is str:
        value = _allowed(value, meta, name)
    return value


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not NoneType]
        return rest[0]
    return annotation


def _allowed(value: str, meta: Any, name: str) -> str:
    if meta.get("normalise"):
        value = meta["normalise"](value)
    allowed = meta.get("allowed") or ()
    if allowed and value not in allowed:
        raise ConfigError(f"{name}: unknown {value} (use {', '.join(allowed)})")
    return value


def _within(value: float, meta: Any, name: str) -> None:
    above, minimum, maximum = meta.get("above"), meta.get("minimum"), meta.get("maximum")
    if ((above is not None and value <= above) or (minimum is not None and value < minimum)
            or (maximum is not None and value > maximum)):
        bounds = [f"> {above:g}" if above is not None else "", f"at least {minimum:g}" if minimum is not None else "",
                  f"at most {maximum:g}" if maximum is not None else ""]
        raise ConfigError(f"{name} must be {' and '.join(bound for bound in bounds if bound)}, not {toml_value(value)}")


def toml_value(value: Any) -> str:
    """``value`` as it would be written in TOML (for messages and the README)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, time):
        return f'"{value:%H:%M}"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
