"""Text pasted from the web and text that tries to drive the terminal (issue 13).

Zero-width and bidi characters are stripped at load with one S015 warning per value and the
text is NFC; control characters in scenario text reach no terminal raw through any command.
"""

from __future__ import annotations

import json
import unicodedata

import pytest

from hostile_inputs import small
from simulator.cli import main
from simulator.cli.safe_output import escape_controls
from simulator.scenario.loader import load_scenario
from simulator.scenario.text_clean import clean

PASTED = "Hello\u200b there, \u202eI need\ufeff help\u200f."


def test_invisible_characters_are_stripped_with_one_warning_at_the_value(catalog):
    text = small(say=f'"{PASTED}"')
    scenario, diagnostics = load_scenario("pasted.yaml", catalog, data=text.encode())
    assert scenario is not None
    assert scenario.nodes["n0"].say[0].text == "Hello there, I need help."
    [warning] = [d for d in diagnostics if d.code == "S015"]
    assert warning.severity == "warning" and (warning.line, warning.column) == (11, 10)
    for name in ("U+200B", "U+202E", "U+FEFF", "U+200F"):
        assert name in warning.message


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_pasted_line_separator_is_a_space_and_later_lines_keep_their_numbers(catalog, separator):
    # libyaml ends a line at each of these; editors and grep do not, so the persona error
    # was reported one line down and a text block broke where the character was
    text = small(say=f"|\n      Hello there,{separator}I need help\n      with my order.")
    text = text.replace("title: Small", f'title: "Sm{separator}all"')
    lines = text.split("\n")
    broken, diagnostics = load_scenario("pasted.yaml", catalog, data=text.replace("reasonable", "reasonabel").encode())
    [persona] = [d for d in diagnostics if d.code == "S203"]
    assert broken is None and lines[persona.line - 1] == "  persona: reasonable"
    warnings = [d for d in diagnostics if d.code == "S016"]
    assert [(d.severity, d.column) for d in warnings] == [("warning", lines[d.line - 1].index(separator) + 1)
                                                          for d in warnings] and len(warnings) == 2
    scenario, diagnostics = load_scenario("pasted.yaml", catalog, data=text.encode())
    assert scenario is not None and scenario.title == "Sm all"
    assert scenario.nodes["n0"].say[0].text == "Hello there, I need help\nwith my order.\n"


def test_text_is_nfc_at_load_without_a_warning(catalog):
    decomposed = "Cafe\u0301 au lait"
    scenario, diagnostics = load_scenario("nfc.yaml", catalog, data=small(say=decomposed).encode())
    assert scenario.nodes["n0"].say[0].text == unicodedata.normalize("NFC", decomposed) == "Caf\u00e9 au lait"
    assert not [d for d in diagnostics if d.code == "S015"]


def test_clean_keeps_joiners_that_carry_meaning():
    assert clean("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert clean("a\u200bb") == "ab"


@pytest.mark.parametrize("raw, shown", [("\x1b]0;owned\x07", "\\u001b]0;owned\\u0007"),
                                        ("red\x1b[31m", "red\\u001b[31m"), ("\x9b2J", "\\u009b2J"),
                                        ("back\u202ewards", "back\\u202ewards"), ("tab\tand\nnewline", "tab\tand\nnewline")])
def test_escape_controls(raw, shown):
    assert escape_controls(raw) == shown


ESCAPES = small(say='"Hi \\e]0;owned\\a and \\e[2J \\x9b"').replace("title: Small", 'title: "T\\e[31m"')


@pytest.mark.parametrize("command", [["run", "--choices", "1"], ["run", "--choices", "1", "--format", "json"],
                                     ["validate"], ["validate", "--format", "json"], ["analyse", "--runs", "20"],
                                     ["graph", "-o", "-"]])
def test_no_command_prints_a_raw_control_character(tmp_path, capsys, command):
    path = tmp_path / "escapes.yaml"
    path.write_text(ESCAPES + "  extra: {outcome: resolved, text: \"x\\e[5m\"}\n", encoding="utf-8")
    main([command[0], str(path), *command[1:]])
    out, err = capsys.readouterr()
    for stream in (out, err):
        assert "\x1b" not in stream and "\x07" not in stream and "\x9b" not in stream
    if "json" in command and command[0] == "run":
        assert "\x1b]0;owned\x07" in json.loads(out)["turns"][0]["customer_line"]  # same value, escaped on the wire


def test_an_id_with_pasted_look_alike_characters_names_them(catalog):
    text = small().replace("id: small", "id: late\u00adrefund").replace("  n0:", "  n\u00a00:")
    text = text.replace("start: n0", "start: \"n\u00a00\"")
    _, diagnostics = load_scenario("ids.yaml", catalog, data=text.encode())
    bad = {d.message.split("'")[1]: d for d in diagnostics if d.code == "S106"}
    assert set(bad) == {"late\u00adrefund", "n\u00a00"}, [(d.code, d.message) for d in diagnostics]
    assert "U+00AD SOFT HYPHEN" in bad["late\u00adrefund"].hint
    assert "U+00A0 NO-BREAK SPACE" in bad["n\u00a00"].hint
    _, clean_ids = load_scenario("ok.yaml", catalog, data=small().replace("id: small", "id: Bad_Id").encode())
    assert [d.hint for d in clean_ids if d.code == "S106"] == [
        "use lowercase letters and digits joined by '-' or '_', e.g. wrong-size-shoes"]  # nothing to name


def test_a_target_near_a_pasted_id_says_which_spelling_is_odd(catalog):
    """'did you mean' alone would offer what looks like the trainer's own spelling: the hint
    names the look-alike character, on whichever side it was pasted."""
    def s201_hints(text: str) -> list[str]:
        _, diagnostics = load_scenario("ids.yaml", catalog, data=text.encode())
        return [d.hint for d in diagnostics if d.code == "S201"]

    assert "start: n0" in small() and "  n0:" in small()
    assert s201_hints(small().replace("  n0:", "  \"n\u00a00\":")) == [
        "'n\u00a00' is defined with characters an id cannot have (it contains U+00A0 NO-BREAK SPACE): "
        "retype it where it is defined"]
    assert s201_hints(small().replace("start: n0", "start: \"n\u00a00\"")) == [
        "did you mean 'n0'? (the name written here contains U+00A0 NO-BREAK SPACE)"]
    assert s201_hints(small().replace("start: n0", "start: n00")) == ["did you mean 'n0'?"]
