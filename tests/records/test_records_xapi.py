"""xAPI statements: shape checked against the specification's rules, stable ids on re-export.

`tests/records/xapi_check.py` (test-only tooling) holds the rules (written from xAPI 1.0.3, Part Two); the
first half of this file proves the checker rejects what the specification rejects, the
second half runs it over real exported attempts.
"""

from __future__ import annotations

import copy
import io
import json
import uuid

import pytest

from records_helpers import BAD, GOOD, record_play
from simulator.records.store import open_store
from simulator.records.xapi import VERBS, XAPI_VERSION, StatementBuilder, write_statements
from xapi_check import statement_problems, statements_problems

VALID = {
    "id": "12345678-1234-4678-9234-567812345678",
    "version": "1.0.3",
    "timestamp": "2025-03-01T09:30:00.250Z",
    "actor": {"objectType": "Agent", "name": "Ana", "account": {"homePage": "https://lms.example.com", "name": "ana"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
    "object": {"objectType": "Activity", "id": "https://lms.example.com/scenarios/x",
               "definition": {"name": {"en-US": "X"}, "type": "http://adlnet.gov/expapi/activities/simulation"}},
    "result": {"score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100}, "success": True, "completion": True,
               "duration": "PT95.50S", "extensions": {"https://lms.example.com/x/calm": 90}},
    "context": {"registration": "0f8fad5b-d9cb-469f-a165-70867728950e", "platform": "Sim", "language": "en-GB",
                "contextActivities": {"parent": [{"id": "https://lms.example.com/scenarios"}]}},
}


def broken(path: str, value=None, *, delete: bool = False) -> dict:
    statement = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target = statement
    for key in parents:
        target = target[key]
    if delete:
        del target[last]
    else:
        target[last] = value
    return statement


def test_the_reference_statement_is_valid():
    assert statement_problems(VALID) == []


@pytest.mark.parametrize("path, value, delete, expected", [
    ("actor", None, True, "'actor' is required"),
    ("verb", None, True, "'verb' is required"),
    ("object", None, True, "'object' is required"),
    ("id", "12345678-1234-5678-1234-567812345678", False, "not a UUID"),  # variant bits wrong
    ("id", "{12345678-1234-4678-9234-567812345678}", False, "not a UUID"),  # not standard form
    ("verb.id", "passed", False, "not an absolute IRI"),
    ("verb.display", {"en_US": "passed"}, False, "not an RFC 5646 language tag"),
    ("verb.display", "passed", False, "must be a JSON object"),
    ("object.id", "scenarios/x", False, "not an absolute IRI"),
    ("object.definition.name", {"en-US": 5}, False, "must be a string"),
    ("actor.mbox", "mailto:ana@example.com", False, "exactly one"),
    ("actor.account.homePage", "lms.example.com", False, "not an IRL"),
    ("actor.account.name", None, True, "non-empty string is required"),
    ("result.score.scaled", 1.5, False, "outside [-1, 1]"),
    ("result.score.raw", 120, False, "above max"),
    ("result.score.min", 100, False, "must be less than max"),
    ("result.success", "true", False, "must be true or false"),
    ("result.duration", "95 seconds", False, "not an ISO 8601 duration"),
    ("result.extensions", {"calm": 90}, False, "not an IRI"),
    ("context.registration", "attempt-7", False, "not a UUID"),
    ("context.language", "english please", False, "not an RFC 5646"),
    ("timestamp", "2025-03-01 09:30", False, "not an ISO 8601 timestamp"),
    ("timestamp", "2025-03-01T09:30:00", False, "with a time zone"),
    ("version", "2.0.0", False, "not a 1.0.x version"),
    ("result.response", None, False, "null is not allowed"),
    ("result.grade", "A", False, "'grade' is not allowed"),
])
def test_the_checker_rejects_what_the_specification_rejects(path, value, delete, expected):
    problems = statement_problems(broken(path, value, delete=delete))
    assert any(expected in p for p in problems), problems


def test_duplicate_statement_ids_are_reported():
    assert "repeats statement 1" in statements_problems([VALID, VALID])[0]


def _export(data_dir, scenario, catalog, builder=None):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        record_play(store, scenario, catalog, BAD, profile="Ben")
        record_play(store, scenario, catalog, GOOD[:2], profile="Cy")  # unfinished: replies only
        buffer = io.StringIO()
        count = write_statements(store.iter_attempts(), buffer, builder)
    lines = buffer.getvalue().splitlines()
    assert len(lines) == count
    return [json.loads(line) for line in lines]


def test_exported_statements_pass_every_rule(data_dir, scenario, catalog):
    statements = _export(data_dir, scenario, catalog)
    assert statements_problems(statements) == []
    assert len(statements) == (5 + 1) + (4 + 1) + 2


def test_one_responded_statement_per_reply_and_one_result_per_finished_attempt(data_dir, scenario, catalog):
    statements = _export(data_dir, scenario, catalog, StatementBuilder("https://lms.example.com/sim"))
    ana = [s for s in statements if s["actor"]["account"]["name"] == "Ana"]
    replies, (final,) = ana[:-1], ana[-1:]
    assert [s["verb"]["id"] for s in replies] == [VERBS["responded"]] * 5
    assert replies[0]["object"]["id"] == "https://lms.example.com/sim/scenarios/wrong-size#opening"
    assert replies[0]["result"]["response"] == scenario.nodes["opening"].replies[0].text
    assert replies[0]["context"]["contextActivities"]["parent"][0]["id"].endswith("/scenarios/wrong-size")
    assert final["verb"]["id"] == VERBS["passed"] and final["verb"]["display"] == {"en-US": "passed"}
    assert final["result"]["score"]["scaled"] == 1.0 and final["result"]["success"] is True
    assert final["result"]["completion"] is True and final["version"] == XAPI_VERSION
    skills = {k.rsplit("/", 1)[1]: v for k, v in final["result"]["extensions"].items() if "/skill/" in k}
    assert skills == {"calm": 100, "listening": 100, "empathy": 100, "solutions": 100, "follow_up": 100}
    ben_final = [s for s in statements if s["actor"]["account"]["name"] == "Ben"][-1]
    assert ben_final["verb"]["id"] == VERBS["failed"] and ben_final["result"]["success"] is False
    assert ben_final["result"]["score"]["scaled"] < 0.6
    assert {s["verb"]["id"] for s in statements if s["actor"]["account"]["name"] == "Cy"} == {VERBS["responded"]}
    # all statements of one attempt share its registration, a real UUID
    assert len({s["context"]["registration"] for s in ana}) == 1
    uuid.UUID(ana[0]["context"]["registration"])


def test_reexport_gives_the_same_statement_ids(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        first, second = io.StringIO(), io.StringIO()
        write_statements(store.iter_attempts(), first)
        write_statements(store.iter_attempts(), second)
    assert first.getvalue() == second.getvalue()
    ids = [json.loads(line)["id"] for line in first.getvalue().splitlines()]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 5 for i in ids)


def test_timestamps_follow_play_order(data_dir, scenario, catalog):
    statements = _export(data_dir, scenario, catalog)
    ana = [s["timestamp"] for s in statements if s["actor"]["account"]["name"] == "Ana"]
    assert ana == sorted(ana)


def test_statement_ids_are_real_uuid5_of_the_attempt_and_turn():
    from simulator.records.xapi import STATEMENT_NAMESPACE, _uuid5

    for name in ("abc/turn/1", "ümlaut/result", ""):
        assert _uuid5(name) == str(uuid.uuid5(STATEMENT_NAMESPACE, name))


def test_fast_text_assembly_matches_the_json_encoder():
    builder = StatementBuilder()
    mood = {"pleasure": -0.2375, "arousal": 1e-05, "patience": 7.0}
    assert json.loads(builder._mood_text(mood)) == mood
    assert builder._mood_text({"patience": 7}) == '{"patience":7}'  # non-floats take the safe road
    line = {"choice": 1, "acts": ["acknowledge"], "expression_after": "angry", "reply_text": 'He said "no"\n'}
    result = json.loads(builder._reply_result(line, 3, builder._mood_text(mood)))
    assert result["response"] == 'He said "no"\n' and result["extensions"][builder.extension("choice")] == 2


class _Float(float):
    """A float of another type (numpy's float64 is one)."""


_ODD_RESULTS = [  # (changes to a finished attempt, whether the text is assembled without the encoder)
    ({}, True),
    ({"skills": {"calm": 90, "listening": 72.5, "empathy": 1e-05, "solutions": 1e16, "follow_up": -0.0}}, True),
    ({"skills": {"calm": 3}, "overall": None, "grade": None, "outcome": ""}, True),
    ({"overall": 100.5}, True), ({"overall": -3}, True), ({"overall": -0.0}, True), ({"overall": "85.25"}, True),
    ({"grade": 'A "quoted"\n\u2028 grade', "outcome": "resolved \u201cfine\u201d \u200d\U0001f642"}, True),
    ({"grade": 0, "outcome": ()}, True),  # empty non-text: left out, as the encoder's road does
    ({"finished_at": None}, True), ({"started_at": "2025-03-01T10:00:00.000Z"}, True),  # no duration
    ({"skills": {"calm": True}}, False), ({"skills": {"calm": float("nan")}}, False),
    ({"skills": {"empathy": float("-inf")}}, False), ({"skills": {"calm": _Float(0.5)}}, False),
    ({"overall": float("nan")}, False), ({"overall": float("inf")}, False),
    ({"grade": 5}, False), ({"outcome": ["resolved"]}, False),
]


@pytest.mark.parametrize("base", ["https://lms.example.com", 'https://lms.example.com/\u00fc"\\x'])
@pytest.mark.parametrize("changes, fast", _ODD_RESULTS)
def test_the_finished_result_text_is_what_encoding_the_result_gives(monkeypatch, base, changes, fast):
    from dataclasses import replace

    from simulator.records.attempt import Attempt
    from simulator.records.serialize import encode_compact

    attempt = replace(Attempt(1, "uid", "Ana", "x", "X", "", "", "2025-03-01T09:30:00.000Z", "2025-03-01T09:31:35.500Z",
                              None, "finished", (0, 1), {"calm": 90.0, "listening": 60, "empathy": 72.25}, 81.5, "B",
                              "resolved"), **changes)
    builder = StatementBuilder(base)
    for passed in (True, False, 1):
        expected = encode_compact(builder._final_result(attempt, passed))
        plain_calls = []
        plain = StatementBuilder._final_result
        monkeypatch.setattr(StatementBuilder, "_final_result",
                            lambda self, *args: plain_calls.append(args) or plain(self, *args))
        assert builder._final_result_text(attempt, passed) == expected
        assert (not plain_calls) == (fast and type(passed) is bool)  # the assembled road, or the encoder's
        monkeypatch.undo()
