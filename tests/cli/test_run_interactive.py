"""The line protocol (`run --interactive --format json`), driven through a real subprocess
with pipes, one line at a time, as a harness or a bot would drive it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli.line_protocol import encode, parse_number

ROOT = Path(__file__).resolve().parents[2]
TOUR = str(ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml")
ENV = dict(os.environ, PYTHONIOENCODING="utf-8")


class Driver:
    """A child `customer-sim run --interactive` with line-at-a-time pipes."""

    def __init__(self, *extra: str, scenario: str = TOUR) -> None:
        self.child = subprocess.Popen(
            [sys.executable, "-m", "simulator", "run", scenario, "--interactive", "--format", "json", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=ENV)

    def read(self) -> dict:
        line = self.child.stdout.readline()
        assert line.endswith(b"\n"), (line, self.child.stderr.read() if self.child.poll() is not None else b"")
        return json.loads(line)

    def send(self, text: str) -> None:
        self.child.stdin.write(text.encode() + b"\n")
        self.child.stdin.flush()

    def close(self) -> tuple[int, bytes, bytes]:
        """End of input (if not yet), then everything else the child wrote, and its exit code."""
        if not self.child.stdin.closed:
            self.child.stdin.close()
        self.child.stdin = None  # communicate() must not flush the closed pipe
        out, err = self.child.communicate(timeout=60)
        return self.child.returncode, out, err


def _run_json(*argv: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "simulator", "run", TOUR, "--format", "json", *argv],
                          capture_output=True, cwd=ROOT, env=ENV, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def _authored_first(turn: dict, report_options) -> int:
    """The shown number of the reply the file lists first (the tour's A path is all-first)."""
    texts = [o["text"] for o in turn["options"]]
    return texts.index(report_options[0]) + 1


def test_a_full_play_through_ends_with_the_same_result_as_run_choices():
    from simulator.engine.session import Session
    from simulator.scenario.catalog import load_catalog
    from simulator.scenario.loader import load_scenario

    catalog, _ = load_catalog()
    scenario, _ = load_scenario(Path(TOUR), catalog)
    seed, driver, picked = 12, Driver("--seed", "12"), []
    while True:
        message = driver.read()
        if message["type"] == "result":
            break
        assert message["type"] == "turn" and message["seed"] == seed
        assert set(message) >= {"turn", "customer", "options", "expression"}
        assert all(set(o) == {"number", "text"} for o in message["options"])  # no act tags leak
        assert [o["number"] for o in message["options"]] == list(range(1, len(message["options"]) + 1))
        session = Session.replay(scenario, catalog, [p - 1 for p in picked], seed=seed)
        assert [o["text"] for o in message["options"]] == [o.text for o in session.options]
        authored = [r.text for r in scenario.nodes[session.node_id].replies]
        picked.append(_authored_first(message, authored))
        driver.send(str(picked[-1]))
    code, rest, err = driver.close()
    assert code == 0 and rest == b"" and b"Traceback" not in err
    expected = _run_json("--seed", str(seed), "--choices", ",".join(map(str, picked)))
    assert message["result"] == expected
    assert expected["outcome"] == "delighted" and expected["seed"] == seed


@pytest.mark.parametrize("bad", ["9", "0", "abc", "", "1 2", "-1", "9" * 5000, "٣"])
def test_a_bad_number_gets_an_error_line_and_the_same_turn_again(bad):
    driver = Driver()
    first = driver.read()
    driver.send(bad)
    error = driver.read()
    assert error["type"] == "error" and error["turn"] == 1 and error["error"]
    assert len(error["error"]) < 200  # a 5000-digit line is not echoed back whole
    again = driver.read()
    assert again == first
    driver.send("1")
    assert driver.read()["turn"] == 2
    driver.child.stdin.close()
    closed = driver.read()
    assert closed["type"] == "closed" and closed["turn"] == 2
    code, rest, err = driver.close()
    assert code == 0 and rest == b"" and b"Traceback" not in err


def test_end_of_input_at_once_ends_cleanly():
    driver = Driver("--seed", "3")
    assert driver.read()["type"] == "turn"
    driver.child.stdin.close()
    assert driver.read()["type"] == "closed"
    code, rest, err = driver.close()
    assert code == 0 and rest == b"" and err == b""


def test_bytes_that_are_not_utf8_are_a_bad_line_not_a_crash():
    driver = Driver()
    driver.read()
    driver.child.stdin.write(b"\xff\xfe\n")
    driver.child.stdin.flush()
    assert driver.read()["type"] == "error"
    driver.child.stdin.close()
    assert driver.read()["type"] == "turn"
    assert driver.read()["type"] == "closed"
    assert driver.close()[0] == 0


def test_an_invalid_scenario_exits_1_without_a_traceback(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text(Path(TOUR).read_text().replace("next: story", "next: stroy", 1))
    code, out, err = Driver(scenario=str(bad)).close()
    assert code == 1 and b"stroy" in err and b"Traceback" not in err


def test_lines_never_break_inside_an_object():
    text = encode({"customer": "one\nline\u2028still one", "options": []})
    assert "\n" not in text and "\u2028" not in text
    assert json.loads(text)["customer"] == "one\nline\u2028still one"


def test_parse_number():
    assert parse_number(" 2 \n", 3) == (2, "")
    assert parse_number("4", 3)[0] is None and "1 to 3" in parse_number("4", 3)[1]
    assert parse_number("1" * 5000, 3)[0] is None
