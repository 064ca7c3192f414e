"""Check xAPI statements against the rules of the xAPI 1.0.3 specification (Part Two:
Experience API Data) that a learning record store enforces when it accepts a statement.

Written from the specification's requirements, section by section:
2.2  no null values, no properties the specification does not allow, IRIs with a scheme;
2.4  actor, verb and object are required; id is a UUID in standard string form (RFC 4122
     variant 2); version 1.0.x;
2.4.2 an Agent has exactly one inverse functional identifier; an account has homePage
     (IRL) and name;
2.4.3 verb id is an IRI; display is a language map;
2.4.4 an Activity object has an IRI id; definition name/description are language maps,
     type/moreInfo IRIs; interactionType from the fixed list;
2.4.5 score.scaled in [-1, 1]; raw between min and max; min < max; success and completion
     are booleans; duration is an ISO 8601 duration; extension keys are IRIs;
2.4.6 registration is a UUID; contextActivities hold Activities under parent, grouping,
     category, other; language is an RFC 5646 tag;
4.5  timestamp is ISO 8601 (we also require the time zone the specification recommends).
Returns messages like "statement 3: result.score.scaled: 1.5 is outside [-1, 1]".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_IRL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.I)
_TIMESTAMP = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"
    r"(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$")
_DURATION = re.compile(
    r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
# RFC 5646 language tag, simplified: language (2-3 letters, or 4-8), optional script,
# region and variants/extensions as alphanumeric subtags of up to 8.
_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3}|[A-Za-z]{4,8})(-[A-Za-z0-9]{1,8})*$")
_VERSION = re.compile(r"^1\.0(\.\d+)?$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$", re.I)

STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                  "authority", "version", "attachments"}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
GROUP_KEYS = AGENT_KEYS | {"member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                   "correctResponsesPattern", "choices", "scale", "source", "target", "steps"}
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other"}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
CONTEXT_KEYS = {"registration", "instructor", "team", "contextActivities", "revision", "platform",
                "language", "statement", "extensions"}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}


def statement_problems(statement: Any, *, where: str = "statement") -> list[str]:
    """Every way `statement` breaks the xAPI statement rules above; [] when it is valid."""
    problems: list[str] = []
    _Checker(problems).statement(statement, where)
    return problems


def statements_problems(statements: Iterable[Any]) -> list[str]:
    """Problems across many statements, each message prefixed with its 1-based position,
    plus duplicate statement ids (an LRS rejects a batch that repeats an id)."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, statement in enumerate(statements, start=1):
        problems += statement_problems(statement, where=f"statement {number}")
        ident = statement.get("id") if isinstance(statement, Mapping) else None
        if isinstance(ident, str):
            if ident in seen:
                problems.append(f"statement {number}: id {ident} repeats statement {seen[ident]}")
            seen.setdefault(ident, number)
    return problems


class _Checker:
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems

    def bad(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # ------------------------------------------------------------ the statement
    def statement(self, value: Any, where: str, *, sub: bool = False) -> None:
        if not self.object_of(value, where):
            return
        self.no_nulls(value, where)
        self.only_keys(value, STATEMENT_KEYS - ({"id", "stored", "version", "authority"} if sub else set())
                       | ({"objectType"} if sub else set()), where)
        for required in ("actor", "verb", "object"):
            if required not in value:
                self.bad(where, f"'{required}' is required")
        if "id" in value:
            self.uuid(value["id"], f"{where}.id")
        if "actor" in value:
            self.agent_or_group(value["actor"], f"{where}.actor")
        if "verb" in value:
            self.verb(value["verb"], f"{where}.verb")
        if "object" in value:
            self.statement_object(value["object"], f"{where}.object", sub=sub)
        if "result" in value:
            self.result(value["result"], f"{where}.result")
        if "context" in value:
            self.context(value["context"], f"{where}.context", value.get("object"))
        for stamp in ("timestamp", "stored"):
            if stamp in value:
                self.timestamp(value[stamp], f"{where}.{stamp}")
        if "version" in value and not (isinstance(value["version"], str) and _VERSION.match(value["version"])):
            self.bad(f"{where}.version", f"{value['version']!r} is not a 1.0.x version")
        if "authority" in value:
            self.agent_or_group(value["authority"], f"{where}.authority")

    def no_nulls(self, value: Any, where: str) -> None:
        """2.2: null is not a value xAPI allows, except inside extensions (free JSON)."""
        if isinstance(value, Mapping):
            for key, item in value.items():
                if item is None:
                    self.bad(f"{where}.{key}", "null is not allowed")
                elif key != "extensions":
                    self.no_nulls(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if item is None:
                    self.bad(f"{where}[{index}]", "null is not allowed")
                else:
                    self.no_nulls(item, f"{where}[{index}]")

    # ------------------------------------------------------------ actors
    def agent_or_group(self, value: Any, where: str) -> None:
        if not self.object_of(value, where):
            return
        if value.get("objectType") == "Group":
            self.only_keys(value, GROUP_KEYS, where)
            members = value.get("member")
            ifis = [k for k in IFI_KEYS if k in value]
            if not ifis and not isinstance(members, list):
                self.bad(where, "an anonymous Group needs a 'member' list")
            if len(ifis) > 1:
                self.bad(where, f"a Group may have one identifier, found {', '.join(ifis)}")
            for index, member in enumerate(members if isinstance(members, list) else []):
                if isinstance(member, Mapping) and member.get("objectType") == "Group":
                    self.bad(f"{where}.member[{index}]", "a Group may not contain Groups")
                else:
                    self.agent(member, f"{where}.member[{index}]")
            self.identifiers(value, where, ifis)
            return
        self.agent(value, where)

    def agent(self, value: Any, where: str) -> None:
        if not self.object_of(value, where):
            return
        if value.get("objectType", "Agent") != "Agent":
            self.bad(f"{where}.objectType", f"expected 'Agent', found {value.get('objectType')!r}")
        self.only_keys(value, AGENT_KEYS, where)
        ifis = [key for key in IFI_KEYS if key in value]
        if len(ifis) != 1:
            self.bad(where, f"an Agent needs exactly one of {', '.join(IFI_KEYS)}; found {len(ifis)}")
        self.identifiers(value, where, ifis)
        if "name" in value and not isinstance(value["name"], str):
            self.bad(f"{where}.name", "must be a string")

    def identifiers(self, value: Mapping, where: str, ifis: list[str]) -> None:
        if "mbox" in ifis and not (isinstance(value["mbox"], str) and value["mbox"].startswith("mailto:")
                                   and "@" in value["mbox"]):
            self.bad(f"{where}.mbox", "must be a mailto: IRI")
        if "mbox_sha1sum" in ifis and not (isinstance(value["mbox_sha1sum"], str) and _SHA1.match(value["mbox_sha1sum"])):
            self.bad(f"{where}.mbox_sha1sum", "must be 40 hex digits")
        if "openid" in ifis:
            self.iri(value["openid"], f"{where}.openid")
        if "account" in ifis:
            account = value["account"]
            if self.object_of(account, f"{where}.account"):
                self.only_keys(account, {"homePage", "name"}, f"{where}.account")
                if "homePage" not in account:
                    self.bad(f"{where}.account", "'homePage' is required")
                elif not (isinstance(account["homePage"], str) and _IRL.match(account["homePage"])):
                    self.bad(f"{where}.account.homePage", f"{account['homePage']!r} is not an IRL (http/https)")
                if not (isinstance(account.get("name"), str) and account.get("name")):
                    self.bad(f"{where}.account.name", "a non-empty string is required")

    # ------------------------------------------------------------ verb and object
    def verb(self, value: Any, where: str) -> None:
        if not self.object_of(value, where):
            return
        self.only_keys(value, {"id", "display"}, where)
        if "id" not in value:
            self.bad(where, "'id' is required")
        else:
            self.iri(value["id"], f"{where}.id")
        if "display" in value:
            self.language_map(value["display"], f"{where}.display")

    def statement_object(self, value: Any, where: str, *, sub: bool) -> None:
        if not self.object_of(value, where):
            return
        kind = value.get("objectType", "Activity")
        if kind == "Activity":
            self.activity(value, where)
        elif kind in ("Agent", "Group"):
            self.agent_or_group(value, where)
        elif kind == "StatementRef":
            self.only_keys(value, {"objectType", "id"}, where)
            self.uuid(value.get("id"), f"{where}.id")
        elif kind == "SubStatement":
            if sub:
                self.bad(where, "a SubStatement may not contain another SubStatement")
            else:
                self.statement(value, where, sub=True)
        else:
            self.bad(f"{where}.objectType", f"unknown objectType {kind!r}")

    def activity(self, value: Any, where: str) -> None:
        if not self.object_of(value, where):
            return
        self.only_keys(value, ACTIVITY_KEYS, where)
        if "id" not in value:
            self.bad(where, "an Activity needs an 'id'")
        else:
            self.iri(value["id"], f"{where}.id")
        definition = value.get("definition")
        if definition is None:
            return
        if not self.object_of(definition, f"{where}.definition"):
            return
        self.only_keys(definition, DEFINITION_KEYS, f"{where}.definition")
        for key in ("name", "description"):
            if key in definition:
                self.language_map(definition[key], f"{where}.definition.{key}")
        if "type" in definition:
            self.iri(definition["type"], f"{where}.definition.type")
        if "moreInfo" in definition and not (isinstance(definition["moreInfo"], str) and _IRL.match(definition["moreInfo"])):
            self.bad(f"{where}.definition.moreInfo", "must be an IRL")
        if "interactionType" in definition and definition["interactionType"] not in INTERACTION_TYPES:
            self.bad(f"{where}.definition.interactionType", f"{definition['interactionType']!r} is not an interaction type")
        if "extensions" in definition:
            self.extensions(definition["extensions"], f"{where}.definition.extensions")

    # ------------------------------------------------------------ result and context
    def result(self, value: Any, where: str) -> None:
        if not self.object_of(value, where):
            return
        self.only_keys(value, RESULT_KEYS, where)
        if "score" in value:
            self.score(value["score"], f"{where}.score")
        for key in ("success", "completion"):
            if key in value and not isinstance(value[key], bool):
                self.bad(f"{where}.{key}", f"must be true or false, found {value[key]!r}")
        if "response" in value and not isinstance(value["response"], str):
            self.bad(f"{where}.response", "must be a string")
        if "duration" in value and not (isinstance(value["duration"], str) and _DURATION.match(value["duration"])):
            self.bad(f"{where}.duration", f"{value['duration']!r} is not an ISO 8601 duration")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{where}.extensions")

    def score(self, value: Any, where: str) -> None:
        if not self.object_of(value, where):
            return
        self.only_keys(value, SCORE_KEYS, where)
        numbers = {}
        for key in SCORE_KEYS & set(value):
            item = value[key]
            if isinstance(item, bool) or not isinstance(item, (int, float)) or not math.isfinite(item):
                self.bad(f"{where}.{key}", f"must be a number, found {item!r}")
            else:
                numbers[key] = float(item)
        if "scaled" in numbers and not -1.0 <= numbers["scaled"] <= 1.0:
            self.bad(f"{where}.scaled", f"{value['scaled']} is outside [-1, 1]")
        if "min" in numbers and "max" in numbers and not numbers["min"] < numbers["max"]:
            self.bad(where, f"min {value['min']} must be less than max {value['max']}")
        if "raw" in numbers:
            if "min" in numbers and numbers["raw"] < numbers["min"]:
                self.bad(f"{where}.raw", f"{value['raw']} is below min {value['min']}")
            if "max" in numbers and numbers["raw"] > numbers["max"]:
                self.bad(f"{where}.raw", f"{value['raw']} is above max {value['max']}")

    def context(self, value: Any, where: str, statement_object: Any) -> None:
        if not self.object_of(value, where):
            return
        self.only_keys(value, CONTEXT_KEYS, where)
        if "registration" in value:
            self.uuid(value["registration"], f"{where}.registration")
        if "instructor" in value:
            self.agent_or_group(value["instructor"], f"{where}.instructor")
        if "team" in value:
            team = value["team"]
            if isinstance(team, Mapping) and team.get("objectType") != "Group":
                self.bad(f"{where}.team", "must be a Group")
            self.agent_or_group(team, f"{where}.team")
        activities = value.get("contextActivities")
        if activities is not None and self.object_of(activities, f"{where}.contextActivities"):
            self.only_keys(activities, CONTEXT_ACTIVITY_KEYS, f"{where}.contextActivities")
            for key, items in activities.items():
                for index, item in enumerate(items if isinstance(items, list) else [items]):
                    self.activity(item, f"{where}.contextActivities.{key}[{index}]")
        object_kind = statement_object.get("objectType", "Activity") if isinstance(statement_object, Mapping) else None
        for key in ("revision", "platform"):
            if key in value:
                if not isinstance(value[key], str):
                    self.bad(f"{where}.{key}", "must be a string")
                if object_kind != "Activity":
                    self.bad(f"{where}.{key}", "may only be used when the object is an Activity")
        if "language" in value and not (isinstance(value["language"], str) and _LANGUAGE_TAG.match(value["language"])):
            self.bad(f"{where}.language", f"{value['language']!r} is not an RFC 5646 language tag")
        if "statement" in value:
            statement = value["statement"]
            if not (isinstance(statement, Mapping) and statement.get("objectType") == "StatementRef"):
                self.bad(f"{where}.statement", "must be a StatementRef")
            else:
                self.uuid(statement.get("id"), f"{where}.statement.id")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{where}.extensions")

    # ------------------------------------------------------------ formats
    def object_of(self, value: Any, where: str) -> bool:
        if not isinstance(value, Mapping):
            self.bad(where, f"must be a JSON object, found {type(value).__name__}")
            return False
        return True

    def only_keys(self, value: Mapping, allowed: set[str], where: str) -> None:
        for key in value:
            if key not in allowed:
                self.bad(where, f"property {key!r} is not allowed here")

    def uuid(self, value: Any, where: str) -> None:
        if not (isinstance(value, str) and _UUID.match(value)):
            self.bad(where, f"{value!r} is not a UUID in standard form (RFC 4122 variant 2)")

    def iri(self, value: Any, where: str) -> None:
        if not (isinstance(value, str) and _IRI.match(value)):
            self.bad(where, f"{value!r} is not an absolute IRI (scheme:rest, no spaces)")

    def timestamp(self, value: Any, where: str) -> None:
        if not (isinstance(value, str) and _TIMESTAMP.match(value)):
            self.bad(where, f"{value!r} is not an ISO 8601 timestamp with a time zone")

    def language_map(self, value: Any, where: str) -> None:
        if not self.object_of(value, where):
            return
        if not value:
            self.bad(where, "a language map needs at least one entry")
        for tag, text in value.items():
            if not _LANGUAGE_TAG.match(str(tag)):
                self.bad(where, f"{tag!r} is not an RFC 5646 language tag")
            if not isinstance(text, str):
                self.bad(f"{where}.{tag}", "must be a string")

    def extensions(self, value: Any, where: str) -> None:
        if not self.object_of(value, where):
            return
        for key in value:
            if not _IRI.match(str(key)):
                self.bad(where, f"extension key {key!r} is not an IRI")
