"""Where the team's learning record store (LRS) is and how to sign in to it.

Each value comes from the environment first, then from the config file (TOML, read with the
standard library's `tomllib`) in the platform's user config folder, e.g.
`~/.config/customer-sim/config.toml` on Linux (`$CUSTOMER_SIM_CONFIG` names another file):

    [lrs]
    endpoint = "https://lrs.example.com/xAPI/"   # CUSTOMER_SIM_LRS_ENDPOINT
    key = "trainee-desktops"                     # CUSTOMER_SIM_LRS_KEY
    secret = "…"                                 # CUSTOMER_SIM_LRS_SECRET
    xapi_base = "https://lms.example.com/csim"   # CUSTOMER_SIM_XAPI_BASE (optional)
    batch_size = 500                             # statements per request (optional)

The secret is never printed, logged or shown in a repr: `describe()` says only where it
came from, and `scrub()` removes it (and the Basic-auth token made from it) from any text
that could reach a screen or a log.
"""

from __future__ import annotations

import base64
import difflib
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

APP_NAME = "customer-sim"
CONFIG_FILENAME = "config.toml"
ENV_CONFIG = "CUSTOMER_SIM_CONFIG"
ENV = {"endpoint": "CUSTOMER_SIM_LRS_ENDPOINT", "key": "CUSTOMER_SIM_LRS_KEY",
       "secret": "CUSTOMER_SIM_LRS_SECRET", "xapi_base": "CUSTOMER_SIM_XAPI_BASE",
       "batch_size": "CUSTOMER_SIM_LRS_BATCH_SIZE"}
KEYS = tuple(ENV)
DEFAULT_BATCH_SIZE = 500
MAX_BATCH_SIZE = 1000
MAX_CONFIG_BYTES = 64 * 1024  # a settings file; anything bigger is not one
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)$")


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The config file: $CUSTOMER_SIM_CONFIG, else config.toml in the user config folder."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(ENV_CONFIG, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILENAME


@dataclass(frozen=True, slots=True)
class LrsSettings:
    """The LRS connection settings; `problems` lists what is wrong in them, for a person."""

    endpoint: str | None = None
    key: str | None = None
    secret: str | None = field(default=None, repr=False)
    xapi_base: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    sources: Mapping[str, str] = field(default_factory=dict)  # key -> "$VAR" or the file's path
    config_file: Path | None = None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        """True when endpoint, key and secret are all known (and the endpoint is usable)."""
        return bool(self.endpoint and self.key and self.secret) and not self.problems

    def missing(self) -> list[str]:
        """What a person must set before anything can be sent, each with where to set it."""
        where = f"or in {self.config_file}" if self.config_file else ""
        return [f"{name} (${ENV[name]} {where})".replace(" )", ")") for name in ("endpoint", "key", "secret")
                if not getattr(self, name)]

    def statements_url(self) -> str:
        return (self.endpoint or "") + "statements"

    def builder(self):
        """The StatementBuilder for this team (its IRI base); the export takes the same base
        with --xapi-base."""
        from simulator.records.xapi import DEFAULT_BASE, StatementBuilder

        return StatementBuilder(self.xapi_base or DEFAULT_BASE)

    def describe(self) -> list[str]:
        """Lines saying what is set and where from; the secret only as "set"."""
        def source(name: str) -> str:
            origin = self.sources.get(name)
            return f" (from {origin})" if origin else ""

        return [f"endpoint: {self.endpoint or 'not set'}{source('endpoint')}",
                f"key: {self.key or 'not set'}{source('key')}",
                f"secret: {'set' if self.secret else 'not set'}{source('secret')}",
                f"xAPI base: {self.xapi_base or 'default'}{source('xapi_base')}"]

    def scrub(self, text: str) -> str:
        """`text` with the secret and the Basic-auth token replaced by ***."""
        if not self.secret:
            return text
        token = base64.b64encode(f"{self.key or ''}:{self.secret}".encode()).decode()
        text = text.replace(token, "***")
        if len(self.secret) >= _SHORT_SECRET:
            return text.replace(self.secret, "***")
        # a short secret ("s") is hidden where it stands alone, not inside every word holding it
        return re.sub(rf"(?<![A-Za-z0-9]){re.escape(self.secret)}(?![A-Za-z0-9])", "***", text)


_SHORT_SECRET = 8  # characters: a secret this long is hidden wherever it appears


def load_settings(environ: Mapping[str, str] | None = None, path: Path | None = None) -> LrsSettings:
    """Read the settings: environment first, then the config file. Never raises: a bad
    file or value becomes a `problems` entry with the file, line and column."""
    environ = os.environ if environ is None else environ
    path = path if path is not None else config_path(environ)
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    notes: list[str] = []
    from_file = _read_file(path, problems, notes)
    for name in KEYS:
        text = environ.get(ENV[name], "").strip()
        if text:
            values[name], sources[name] = text, f"${ENV[name]}"
        elif name in from_file:
            values[name], sources[name] = from_file[name], str(path)
    for name in ("endpoint", "key", "secret", "xapi_base"):
        if name in values and not isinstance(values[name], str):
            problems.append(f"{sources[name]}: lrs.{name} must be text in quotes")
            values.pop(name)
    endpoint = values.get("endpoint")
    if isinstance(endpoint, str):
        endpoint, problem = _clean_endpoint(endpoint)
        if problem:
            problems.append(f"{sources['endpoint']}: {problem}")
    xapi_base = values.get("xapi_base")
    if isinstance(xapi_base, str) and _http_problem(xapi_base):
        problems.append(f"{sources['xapi_base']}: xapi_base {_http_problem(xapi_base)}")
        xapi_base = None
    batch_size = _batch_size(values.get("batch_size"), sources.get("batch_size", ""), problems)
    if "secret" in sources and sources["secret"] == str(path):
        _check_private(path, notes)
    return LrsSettings(endpoint=endpoint if isinstance(endpoint, str) else None,
                       key=values.get("key") if isinstance(values.get("key"), str) else None,
                       secret=values.get("secret") if isinstance(values.get("secret"), str) else None,
                       xapi_base=xapi_base if isinstance(xapi_base, str) else None, batch_size=batch_size,
                       sources=sources, config_file=path, problems=tuple(problems), notes=tuple(notes))


def _read_file(path: Path, problems: list[str], notes: list[str]) -> dict[str, object]:
    """The [lrs] table of the config file ({} when there is no file)."""
    try:
        if not path.is_file():
            if path.exists():
                problems.append(f"{path}: is not a regular file")
            return {}
        if path.stat().st_size > MAX_CONFIG_BYTES:
            problems.append(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KB; not a settings file")
            return {}
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"{path}: not UTF-8 text (byte {error.start + 1})")
        return {}
    except OSError as error:
        problems.append(f"{path}: cannot be read ({error.strerror or error})")
        return {}
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POSITION.search(message)
        if match:  # tomllib says "(at line 3, column 5)"; we say path:3:5 like every other message
            message = message[:match.start()].rstrip()
            problems.append(f"{path}:{match.group(1)}:{match.group(2)}: not valid TOML: {message}")
        else:
            problems.append(f"{path}: not valid TOML: {message}")
        return {}
    table = document.get("lrs", {})
    if not isinstance(table, dict):
        problems.append(f"{path}: 'lrs' must be a table: write [lrs] on its own line, then key = \"value\" lines")
        return {}
    for unknown in sorted(set(table) - set(KEYS)):
        close = difflib.get_close_matches(unknown, KEYS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(KEYS)})"
        notes.append(f"{path}: unknown setting lrs.{unknown} ignored{hint}")
    return {key: value for key, value in table.items() if key in KEYS}


def _clean_endpoint(text: str) -> tuple[str | None, str | None]:
    """The endpoint with exactly one trailing slash, or a problem."""
    problem = _http_problem(text)
    if problem:
        return None, f"endpoint {problem}"
    parts = urlsplit(text)
    if parts.username or parts.password:
        return None, ("endpoint must not contain a user name or password; put them in key and secret "
                      "(the address is shown on screen, the secret never is)")
    if parts.query or parts.fragment:
        return None, "endpoint must be the LRS address without ?query or #fragment, e.g. https://lrs.example.com/xAPI/"
    return text.rstrip("/") + "/", None


def _http_problem(text: str) -> str | None:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises for a port past 65535 or not a number
    except ValueError as error:  # "http://[::1" raised out of load_settings ("Invalid IPv6 URL")
        return f"is not a valid address ({error}); write it like https://lrs.example.com/xAPI/"
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        return "must be an http(s) address such as https://lrs.example.com/xAPI/"
    return None


def _batch_size(value: object, origin: str, problems: list[str]) -> int:
    if value is None:
        return DEFAULT_BATCH_SIZE
    try:
        number = int(value) if not isinstance(value, bool) else -1
    except (TypeError, ValueError, OverflowError):  # OverflowError: `batch_size = inf` in TOML
        number = -1
    if not 1 <= number <= MAX_BATCH_SIZE:
        problems.append(f"{origin}: batch_size must be a whole number from 1 to {MAX_BATCH_SIZE}")
        return DEFAULT_BATCH_SIZE
    return number


def _check_private(path: Path, notes: list[str]) -> None:
    """A secret in a file others can read is worth a word (not an error: it is their machine)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        notes.append(f"{path} holds the LRS secret and other users can read it; chmod 600 {path}")
