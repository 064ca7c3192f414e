"""Attempts as xAPI 1.0.3 statements, one JSON object per line, for a learning record store.

Per attempt: one "responded" statement per reply the trainee picked (object: the scenario
node, `scenario-IRI#node-id`), then, when the attempt was finished, one "passed" or
"failed" statement with the score, success, completion, duration and the five skill scores
as result extensions. The actor is an account (homePage + the profile name).

Statement ids are uuid5 of the attempt's uid and the turn, so exporting again yields the
same ids and an LRS treats the re-sent statements as the same ones instead of duplicates.
The tests check the shape against the specification (`tests/records/xapi_check.py`).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO
from urllib.parse import quote

from simulator.records.serialize import encode_compact, loads, parse_timestamp
from simulator.records.attempt import Attempt
from simulator.scenario.rubric_terms import SKILLS, rubric_terms

XAPI_VERSION = "1.0.3"
# Placeholder base for activity and extension IRIs; a team sets its own with --xapi-base.
DEFAULT_BASE = "https://customer-sim.example.org"
# Fixed namespace for uuid5 statement ids: never change it, or re-exports get new ids.
STATEMENT_NAMESPACE = uuid.UUID("6f1c2a52-3c1e-5d2b-9a57-3b6f3d0c2e11")

VERBS = {
    "responded": "http://adlnet.gov/expapi/verbs/responded",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
ACTIVITY_TYPES = {
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
    "reply": "http://adlnet.gov/expapi/activities/interaction",
    "course": "http://adlnet.gov/expapi/activities/course",
}
PLATFORM = "Customer Challenge Simulator"


_encode = encode_compact
_string = json.encoder.encode_basestring  # the C function _encode uses for a str
_RESPONSE_KEY = '"response":'
_DURATION_KEY = '"duration":'
_NAMESPACE_BYTES = STATEMENT_NAMESPACE.bytes


class StatementBuilder:
    """Builds statements under one IRI base (the team's LMS or intranet address).

    Statements are produced as JSON text lines (`lines`) because an export may hold tens of
    thousands: the parts that repeat (actor, verb, activity, context) are encoded once and
    reused. `statements` parses the same lines back for callers that want dicts, so there
    is exactly one way a statement is built."""

    def __init__(self, base: str = DEFAULT_BASE, home_page: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.home_page = home_page or self.base
        self._verbs = {name: _encode({"id": iri, "display": {"en-US": name}}) for name, iri in VERBS.items()}
        self._extension_keys: dict[str, str] = {}
        self._actors: dict[str, str] = {}
        self._nodes: dict[tuple[str, str], dict[str, str]] = {}  # (scenario id, title) -> node id -> object
        self._scenarios: dict[tuple[str, str], str] = {}
        self._hash_extensions: dict[tuple[str, str], str] = {}
        self._grouping_text = _encode({"objectType": "Activity", "id": f"{self.base}/"})
        self._parents: dict[str, str] = {}
        self._context_head = f'"platform":{_encode(PLATFORM)},"language":"en"'
        self._reply_keys = {name: _encode(self.extension(name))
                            for name in ("turn", "choice", "acts", "mood-after", "expression-after")}
        # what precedes each value in a reply's result: '{"extensions":{"<turn IRI>":' and so on
        self._reply_key_texts = ('{"extensions":{' + self._reply_keys["turn"] + ":",
                                 *("," + self._reply_keys[name] + ":" for name in ("choice", "acts", "mood-after",
                                                                                  "expression-after")))
        self._acts: dict[tuple, str] = {}
        self._skill_keys = tuple((skill, self.extension(f"skill/{skill}")) for skill in SKILLS)
        # what precedes each value among the finished statement's result extensions
        self._skill_key_texts = tuple((skill, _string(key) + ":") for skill, key in self._skill_keys)
        self._grade_key_text, self._outcome_key_text = (_string(self.extension(name)) + ":"
                                                        for name in ("grade", "outcome"))
        self._mood_keys: dict[str, str] = {}

    # --------------------------------------------------------------- IRIs
    def scenario_iri(self, scenario_id: str) -> str:
        return f"{self.base}/scenarios/{quote(scenario_id, safe='')}"

    def node_iri(self, scenario_id: str, node_id: str) -> str:
        return f"{self.scenario_iri(scenario_id)}#{quote(node_id, safe='')}"

    def extension(self, name: str) -> str:
        key = self._extension_keys.get(name)
        if key is None:
            key = self._extension_keys[name] = f"{self.base}/xapi/extensions/{name}"
        return key

    # --------------------------------------------------------------- statements
    def statements(self, attempt: Attempt) -> list[dict]:
        """All statements for one attempt as dicts (see `lines`)."""
        return [json.loads(line) for line in self.lines(attempt)]

    def lines(self, attempt: Attempt, *, turns: list | None = None, moods: list | None = None,
              result: dict | None = None, moods_json: str | None = None) -> Iterator[str]:
        """One JSON text per statement: a "responded" statement per turn, then "passed" or
        "failed" when the attempt was finished. `turns`, `moods` and `result` default to
        the attempt's own (pass them when reading unparsed rows); `moods_json`, the stored
        moods column, stands in for `moods`."""
        turns, moods, result = _inputs(attempt, turns, [] if moods_json is not None else moods, result)
        mood_texts = self._mood_texts(moods) if moods_json is None else self._stored_mood_texts(moods_json)
        parts = self._parts(attempt)
        for number, line in enumerate(turns, start=1):
            if isinstance(line, dict):
                yield self._reply_text(parts, attempt, number, line,
                                       mood_texts[number - 1] if number <= len(mood_texts) else None)
        if attempt.status == "finished":
            yield self._result_text(parts, attempt, result)

    def reply_statement(self, attempt: Attempt, number: int) -> str | None:
        """The "responded" statement of turn `number` (1-based), exactly as `lines` writes
        it: the outbox queues this text when the turn is saved. None if there is no such turn."""
        turns, moods, _ = _inputs(attempt, None, None, None)
        if not 1 <= number <= len(turns) or not isinstance(turns[number - 1], dict):
            return None
        mood = self._mood_texts(moods[number - 1:number])
        return self._reply_text(self._parts(attempt), attempt, number, turns[number - 1], mood[0] if mood else None)

    def result_statement(self, attempt: Attempt) -> str | None:
        """The "passed"/"failed" statement of a finished attempt, exactly as `lines` writes it."""
        if attempt.status != "finished":
            return None
        return self._result_text(self._parts(attempt), attempt, _inputs(attempt, None, None, None)[2])

    def _parts(self, attempt: Attempt) -> tuple:
        """What every statement of one attempt shares, encoded once per attempt."""
        seed = attempt.uid or f"{attempt.profile}/{attempt.scenario_id}/{attempt.started_at}"
        reply_context, final_context = self._contexts(attempt)
        # Everything but id, timestamp, object and result is the same for every statement of
        # this attempt: encode it once. (Key order in the text is irrelevant to JSON.)
        common = f'"version":"{XAPI_VERSION}","actor":{self._actor(attempt.profile)}'
        reply_common = f'{common},"verb":{self._verbs["responded"]},"context":{reply_context}'
        fallback_time = attempt.updated_at or attempt.started_at
        nodes = self._nodes.setdefault((attempt.scenario_id, attempt.scenario_title or attempt.scenario_id), {})
        return seed, common, reply_common, final_context, _IdMaker(f"{seed}/turn/"), fallback_time, nodes

    def _reply_text(self, parts: tuple, attempt: Attempt, number: int, line: dict, mood: str | None) -> str:
        """Turn `number`'s statement; `mood` is the mood after it as JSON text (`_mood_texts`)."""
        _, _, reply_common, _, turn_ids, fallback_time, nodes = parts
        node_id = str(line.get("node") or f"turn-{number}")
        node = nodes.get(node_id) or self._node(attempt, node_id)
        return (f'{{"id":"{turn_ids.make(str(number))}","timestamp":{_time(line.get("at") or fallback_time)},'
                f'{reply_common},"object":{node},"result":{self._reply_result(line, number, mood)}}}')

    def _result_text(self, parts: tuple, attempt: Attempt, result: dict | None) -> str:
        seed, common, _, final_context, _, fallback_time, _ = parts
        passed = (result or {}).get("passed")
        if not isinstance(passed, bool):
            passed = attempt.grade in rubric_terms().passing_grades  # an old attempt did not store `passed`
        verb = self._verbs["passed" if passed else "failed"]
        return (f'{{"id":"{_uuid5(f"{seed}/result")}",'
                f'"timestamp":{_time(attempt.finished_at or fallback_time)},{common},"verb":{verb},'
                f'"object":{self._scenario_text(attempt)},"result":{self._final_result_text(attempt, passed)},'
                f'"context":{final_context}}}')

    def _actor(self, profile: str) -> str:
        text = self._actors.get(profile)
        if text is None:
            text = self._actors[profile] = _encode(
                {"objectType": "Agent", "name": profile, "account": {"homePage": self.home_page, "name": profile}})
        return text

    def _node(self, attempt: Attempt, node_id: str) -> str:
        """A reply's object, kept per scenario and title (`_parts` hands their table out)."""
        title = attempt.scenario_title or attempt.scenario_id
        nodes = self._nodes.setdefault((attempt.scenario_id, title), {})
        text = nodes.get(node_id)
        if text is None:
            text = nodes[node_id] = _encode(
                {"objectType": "Activity", "id": self.node_iri(attempt.scenario_id, node_id),
                 "definition": {"name": {"en-US": f"{title}: reply at {node_id}"}, "type": ACTIVITY_TYPES["reply"]}})
        return text

    def _scenario_text(self, attempt: Attempt) -> str:
        key = (attempt.scenario_id, attempt.scenario_title)
        text = self._scenarios.get(key)
        if text is None:
            text = self._scenarios[key] = _encode(
                {"objectType": "Activity", "id": self.scenario_iri(attempt.scenario_id),
                 "definition": {"name": {"en-US": attempt.scenario_title or attempt.scenario_id},
                                "type": ACTIVITY_TYPES["scenario"]}})
        return text

    def _contexts(self, attempt: Attempt) -> tuple[str, str]:
        """The context of the reply statements and of the result statement, assembled from
        pieces encoded once per builder. Context activities carry only their ids (the
        statement's own object carries the definitions an LRS records), and the file
        hashes go on the result statement only, to keep 50,000-statement exports small."""
        common = self._context_head
        registration = _uuid_or_none(attempt.uid)
        if registration:
            common += f',"registration":"{registration}"'
        parent = self._parents.get(attempt.scenario_id)
        if parent is None:
            parent = self._parents[attempt.scenario_id] = _encode(
                {"objectType": "Activity", "id": self.scenario_iri(attempt.scenario_id)})
        grouping = self._grouping_text
        reply = f'{{{common},"contextActivities":{{"grouping":[{grouping}],"parent":[{parent}]}}}}'
        final = f'{{{common},"contextActivities":{{"grouping":[{grouping}]}}'
        if attempt.scenario_sha256 or attempt.catalog_sha256:
            key = (attempt.scenario_sha256, attempt.catalog_sha256)
            extensions = self._hash_extensions.get(key)
            if extensions is None:
                extensions = self._hash_extensions[key] = _encode(
                    {self.extension("scenario-sha256"): key[0], self.extension("rules-sha256"): key[1]})
            final += f',"extensions":{extensions}'
        return reply, final + "}"

    def _reply_result(self, line: dict, number: int, mood: str | None) -> str:
        """The reply statement's result as JSON text, assembled from pre-encoded keys: this
        runs once per reply in an export, so it avoids the general encoder where it can.
        `mood`: the mood after the turn as JSON text, or None."""
        turn_key, choice_key, acts_key, mood_key, expression_key = self._reply_key_texts
        choice = line.get("choice")
        acts = line.get("acts")
        if acts:
            acts = f"{acts_key}{self._acts_text(acts)}"
        expression = line.get("expression_after")
        reply = line.get("reply_text")
        return (f'{turn_key}{number}{f"{choice_key}{choice + 1}" if type(choice) is int else ""}'  # 1-based, as on screen
                f'{acts or ""}{"" if mood is None else f"{mood_key}{mood}"}'
                f'{f"{expression_key}{_string(str(expression))}" if expression else ""}}}'
                f'{f",{_RESPONSE_KEY}{_string(str(reply))}" if reply else ""}}}')

    def _acts_text(self, acts: list) -> str:
        key = tuple(acts)
        text = self._acts.get(key)
        if text is None:
            text = self._acts[key] = _encode(list(key))
        return text

    def _mood_texts(self, moods: list) -> list[str | None]:
        """Each turn's mood as JSON text; None for a turn without one (not a non-empty object)."""
        return [self._mood_text(mood) if type(mood) is dict and mood else None for mood in moods]

    def _stored_mood_texts(self, moods_json: str) -> list[str | None]:
        """`_mood_texts` of the stored moods column (a JSON list). The store wrote it with the
        same compact encoder, so when every mood is a non-empty object each one's text is
        its piece of the column between "},{": cut out, not formatted again (six floats a
        turn). The column in the store's shape (`_PLAIN_MOODS`) is cut without parsing it;
        a piece count that does not match (a key holding "},{", a turn without a mood)
        takes the formatting road."""
        if _PLAIN_MOODS.fullmatch(moods_json):  # the store's own shape, proven without parsing it
            return [f"{{{piece}}}" for piece in moods_json[2:-2].split("},{")]
        moods = loads(moods_json, [])
        if not isinstance(moods, list):
            return []
        if moods and all(type(mood) is dict and mood for mood in moods) and moods_json.startswith("[{") \
                and moods_json.endswith("}]"):
            pieces = moods_json[2:-2].split("},{")
            if len(pieces) == len(moods):
                return [f"{{{piece}}}" for piece in pieces]
        return self._mood_texts(moods)

    def _mood_text(self, mood: dict) -> str:
        """{"pleasure":0.25,...}: finite floats print as JSON prints them (repr); anything
        unusual goes through the encoder."""
        parts = []
        names = self._mood_keys
        for name, value in mood.items():
            key = names.get(name)
            if key is None:
                key = names[name] = _string(str(name))
            if type(value) is float and value - value == 0.0:  # finite
                parts.append(f"{key}:{value!r}")
            else:
                return _encode(mood)
        return "{" + ",".join(parts) + "}"

    def _final_result_text(self, attempt: Attempt, passed: bool) -> str:
        """`_encode(self._final_result(attempt, passed))`, assembled from keys encoded once
        per builder: every finished attempt of an export runs this, and the encoder spent
        most of its time escaping the same seven extension IRIs again. Anything but plain
        ints, finite floats and text among the values goes through the encoder."""
        overall = float(attempt.overall or 0.0)
        extensions = self._extension_texts(attempt)
        if overall - overall != 0.0 or extensions is None or type(passed) is not bool:  # (NaN or infinite)
            return _encode(self._final_result(attempt, passed))
        duration = _duration(attempt.started_at, attempt.finished_at)
        return (f'{{"score":{{"scaled":{_scaled(overall)!r},"raw":{overall!r},"min":0,"max":100}},'
                f'"success":{"true" if passed else "false"},"completion":true,"extensions":{{{extensions}}}'
                f'{f",{_DURATION_KEY}{_string(duration)}" if duration else ""}}}')

    def _extension_texts(self, attempt: Attempt) -> str | None:
        """The members of `_final_result`'s extensions as JSON text; None when a value is not
        one `_final_result_text` writes itself (a bool, NaN, a number of another type...)."""
        skills = attempt.skills
        parts = []
        for skill, key in self._skill_key_texts:
            value = skills.get(skill)
            if type(value) is int or type(value) is float and value - value == 0.0:
                parts.append(f"{key}{value!r}")
            elif isinstance(value, (int, float)):
                return None
        for value, key in ((attempt.grade, self._grade_key_text), (attempt.outcome, self._outcome_key_text)):
            if type(value) is str:
                if value:
                    parts.append(key + _string(value))
            elif value:
                return None
        return ",".join(parts)

    def _final_result(self, attempt: Attempt, passed: bool) -> dict:
        """The finished statement's result (`_final_result_text` writes the same as text)."""
        overall = float(attempt.overall or 0.0)
        skills = attempt.skills
        extensions: dict[str, Any] = {key: skills[skill] for skill, key in self._skill_keys
                                      if isinstance(skills.get(skill), (int, float))}
        if attempt.grade:
            extensions[self.extension("grade")] = attempt.grade
        if attempt.outcome:
            extensions[self.extension("outcome")] = attempt.outcome
        result: dict[str, Any] = {
            "score": {"scaled": _scaled(overall), "raw": overall, "min": 0, "max": 100},
            "success": passed, "completion": True, "extensions": extensions}
        duration = _duration(attempt.started_at, attempt.finished_at)
        if duration:
            result["duration"] = duration
        return result


def write_statements(attempts: Iterable[Attempt], stream: TextIO, builder: StatementBuilder | None = None) -> int:
    """Write JSON lines; returns the number of statements written."""
    builder = builder or StatementBuilder()
    count = 0
    for attempt in attempts:
        for line in builder.lines(attempt):
            stream.write(line)
            stream.write("\n")
            count += 1
    return count


def _inputs(attempt: Attempt, turns: list | None, moods: list | None, result: dict | None) -> tuple:
    """The transcript, moods and result the statements are built from (the attempt's own
    unless given); a summary-only attempt or an old row gets turn stubs from its choices."""
    turns = list(attempt.turns or ()) if turns is None else turns
    if not turns:
        turns = [{"turn": n + 1, "choice": c} for n, c in enumerate(attempt.choices)]
    moods = list(attempt.moods or ()) if moods is None else moods
    return turns, moods, attempt.result if result is None else result


def statement_id(text: str) -> str:
    """The id of a statement built here (every one starts with its id): no parsing needed."""
    if not text.startswith('{"id":"') or text[43:44] != '"':
        raise ValueError("not a statement written by StatementBuilder")
    return text[7:43]


def _uuid5(name: str) -> str:
    """uuid.uuid5(STATEMENT_NAMESPACE, name) as text, without building UUID objects (an
    export makes one per statement)."""
    return _IdMaker("").make(name)


class _IdMaker:
    """uuid5 texts for names sharing a prefix: the hash of namespace + prefix is computed
    once and copied for each name."""

    def __init__(self, prefix: str) -> None:
        self._hash = hashlib.sha1(_NAMESPACE_BYTES + prefix.encode("utf-8"))

    def make(self, suffix: str) -> str:
        state = self._hash.copy()
        state.update(suffix.encode("utf-8"))
        hex_ = state.hexdigest()
        # the first 16 bytes, with the version (5) in digit 12 and the RFC 4122 variant in
        # the top two bits of digit 16
        return f"{hex_[:8]}-{hex_[8:12]}-5{hex_[13:16]}-{_VARIANT_DIGIT[hex_[16]]}{hex_[17:20]}-{hex_[20:32]}"


# A moods column as the store writes it: a list of non-empty objects of plain names and JSON
# numbers (of a length Python reads), so every "},{" separates two moods. Matching it is a
# third of the time parsing it takes. Every quantifier is possessive (never gives back):
# what may follow each one cannot start what it repeats, so giving back never helps, and
# keeping the places to go back to took half the time of the match.
_NUMBER = r"-?+(?:0|[1-9][0-9]{0,99}+)(?:\.[0-9]++)?+(?:[eE][-+]?+[0-9]++)?+"
_MOOD = rf'\{{"[A-Za-z0-9_-]++":{_NUMBER}(?:,"[A-Za-z0-9_-]++":{_NUMBER})*+\}}'
_PLAIN_MOODS = re.compile(rf"\[{_MOOD}(?:,{_MOOD})*+\]")
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def _scaled(overall: float) -> float:
    """The score's `scaled`: overall is 0..100, and xAPI wants scaled within [-1, 1]."""
    return round(min(max(overall / 100.0, 0.0), 1.0), 4)


def _time(value: object) -> str:
    """A timestamp as JSON text; ours need no escaping, anything else is encoded properly."""
    text = str(value)
    return f'"{text}"' if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text else _encode(text)


def _duration(started: str | None, finished: str | None) -> str | None:
    """ISO 8601 duration (PTnn.nnS) between two timestamps, or None."""
    start, end = parse_timestamp(started), parse_timestamp(finished)
    if start is None or end is None or end < start:
        return None
    return f"PT{(end - start).total_seconds():.2f}S"


def _uuid_or_none(text: str) -> str | None:
    if type(text) is str and _CANONICAL_UUID.fullmatch(text):
        return text  # already as str(UUID) writes it (every uid the store makes)
    try:
        return str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        return None
