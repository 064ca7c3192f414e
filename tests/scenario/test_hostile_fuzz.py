"""Property tests (issue 13): random portrait paths and random Unicode through the loader,
and random Unicode through the text renderer (tests/ui/test_text_fuzz.py). The loader must
always answer with diagnostics, never raise, never leave an invisible character in the model."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile_inputs import small
from simulator.scenario import loader
from simulator.scenario.text_clean import INVISIBLE

# paths as an author (or an attacker) might write them: separators, dots, drive letters,
# NULs and other controls, very long names, non-ASCII
_PATH_PARTS = st.sampled_from(["..", ".", "", "portraits", "C:", "\\", "/", "a\x00b", "\x1b[2J", "~", "$HOME",
                               "x" * 300, "\u202e", "nul", "con", "%2e%2e", "fonts", "README.md"])
PATHS = st.one_of(st.lists(_PATH_PARTS, min_size=1, max_size=5).map("/".join),
                  st.text(min_size=1, max_size=60))
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)

_FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _quoted(text: str) -> str:
    return json.dumps(text)  # JSON string syntax is valid YAML double-quoted syntax


@_FAST
@given(path=PATHS)
def test_any_portrait_path_gives_diagnostics_not_an_exception(catalog, tmp_path, monkeypatch, path):
    monkeypatch.setattr(loader, "portrait_dirs", lambda path: (tmp_path,))
    text = small(extra_customer=f"  portraits: {{angry: {_quoted(path)}}}\n")
    scenario, diagnostics = loader.load_scenario("fuzz.yaml", catalog, data=text.encode())
    codes = {d.code for d in diagnostics}
    if scenario is None:
        assert codes & {"S108", "S103", "S104", "S004", "S002"}, diagnostics
    else:
        assert codes & {"S109", "S116", "S108"} or scenario.customer.portraits == ()


@_FAST
@given(line=TEXT, reply=TEXT)
def test_any_unicode_text_loads_clean(catalog, line, reply):
    text = small(say=_quoted(line)).replace("text: Fine.", f"text: {_quoted(reply)}")
    scenario, diagnostics = loader.load_scenario("fuzz.yaml", catalog, data=text.encode("utf-8", "surrogatepass"))
    if scenario is None:  # e.g. a control character YAML refuses, or a blank reply
        assert diagnostics and all(d.line >= 1 and d.column >= 1 for d in diagnostics)
        return
    said = scenario.nodes["n0"].say[0].text
    assert not INVISIBLE.search(said) and not INVISIBLE.search(scenario.nodes["n0"].replies[0].text)
    if INVISIBLE.search(line) or INVISIBLE.search(reply):
        assert any(d.code == "S015" for d in diagnostics)
