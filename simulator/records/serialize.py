"""Turning engine objects into plain JSON values, and reading them back leniently.

The records layer stores what the engine hands it (turn records, results, evidence) without
importing the engine's classes: anything dataclass-like, mapping-like or sequence-like is
converted field by field. That keeps the store usable by any client of the session API and
keeps old rows readable when the engine's classes change.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any


def to_jsonable(value: Any) -> Any:
    """A JSON-safe copy of `value`: dataclasses and mappings become dicts, tuples and sets
    lists, numpy scalars/arrays plain numbers/lists, enums their value, NaN/inf None."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    as_json = getattr(value, "as_json", None)
    if callable(as_json) and not isinstance(value, type):  # the engine's own JSON form wins
        return to_jsonable(as_json())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(item) for item in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars, without importing numpy
        return to_jsonable(value.tolist())
    if isinstance(value, datetime):
        return iso_timestamp(value)
    return str(value)


def dumps(value: Any) -> str:
    """Compact, key-order-stable JSON text for a database column."""
    return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _unencodable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _compact_encoder() -> Callable[[Any], str]:
    """`json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode`, the same text,
    with the C encoder made once instead of once a call (the exports encode a few values per
    attempt, tens of thousands of times). Values from JSON or built here are never
    circular, so the circular-reference check is left out."""
    make = json.encoder.c_make_encoder
    if make is None:  # no C accelerator: the library's own road
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    encoder = make(None, _unencodable, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encoder(value, 0))


encode_compact = _compact_encoder()  # JSON text with no spaces and non-ASCII kept, as the exports write


def loads(text: str | None, default: Any = None) -> Any:
    """Parse a JSON column; a damaged or missing value gives `default` instead of an error."""
    if text is None or text == "":
        return default
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # the parser recurses per level: a damaged column may nest past it
        return default


def field(obj: Any, name: str, default: Any = None) -> Any:
    """`obj.name` or `obj[name]`: results and turn records may arrive as objects or dicts."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def iso_timestamp(moment: datetime | None = None) -> str:
    """UTC ISO 8601 with milliseconds and a Z, e.g. 2025-03-01T09:30:00.250Z.

    Millisecond precision and an explicit zone are what xAPI asks of timestamps, and the
    fixed width keeps text order equal to time order in SQL."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_timestamp(text: str | None) -> datetime | None:
    """Read back an ISO 8601 timestamp (with Z or an offset); None when absent or invalid."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
