"""The loader builds the model with positions, and reports problems instead of raising."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scenario_text import BASE, codes_of, edit, load_text
from simulator.paths import SCENARIOS_DIR
from simulator.scenario.loader import load_scenario
from simulator.scenario.model import Condition, Span
from simulator.scenario.yaml_source import _Loader, read_source

FORMAT_TOUR = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios" / "format_tour.yaml"


def test_format_tour_builds_the_whole_model(catalog):
    scenario, diagnostics = load_scenario(FORMAT_TOUR, catalog)
    assert diagnostics == []
    assert scenario.id == "format-tour" and scenario.difficulty == 1
    assert scenario.start == "opening"
    assert list(scenario.nodes) == ["opening", "story", "options", "recap", "close", "unhappy"]
    assert scenario.customer.persona == "reasonable"
    assert scenario.customer.mood == (("trust", 0.3),)
    opening = scenario.nodes["opening"]
    assert [v.expression for v in opening.say] == ["default", "furious"]
    assert opening.replies[0].acts == ("acknowledge", "invite")
    assert opening.replies[0].note.startswith("Naming the feeling")
    conditional = scenario.nodes["story"].replies[2]
    assert conditional.when.acts_not_used == ("hide-behind-policy",)
    assert conditional.when.mood[0].dimension == "trust"
    assert conditional.when.mood[0].at_least == 0.2 and conditional.when.mood[0].at_most is None
    assert conditional.skills == (("solutions", -5.0),)
    assert scenario.nodes["options"].replies[1].mood == (("pleasure", -0.4), ("arousal", 0.3))
    assert scenario.endings["walked_out"].outcome == "walked-out"
    assert [t.goto for t in scenario.triggers] == ["walked_out", "manager"]
    assert scenario.triggers[0].when.threshold == "walk_out"
    assert len(scenario.source_sha256) == 64


def test_every_model_object_keeps_its_one_based_position(catalog):
    scenario, _ = load_scenario(FORMAT_TOUR, catalog)
    story = scenario.nodes["story"]
    assert (story.span.line, story.span.column) == (33, 3)
    assert (story.replies[1].span.line, story.replies[1].span.column) == (39, 9)
    assert (story.say[0].span.line, story.say[0].span.column) == (34, 10)
    assert (scenario.endings["manager"].span.line, scenario.endings["manager"].span.column) == (99, 3)
    assert scenario.nodes["story"].replies[2].when.mood[0].span.line == 46
    assert all(isinstance(n.span, Span) and n.span.path.endswith("format_tour.yaml")
               for n in scenario.nodes.values())


def test_defaults_for_optional_parts(catalog):
    scenario, diagnostics = load_text(BASE, catalog)
    assert diagnostics == []
    assert (scenario.summary, scenario.briefing, scenario.learning_goals) == ("", "", ())
    assert scenario.difficulty == 1 and scenario.triggers == ()
    reply = scenario.nodes["opening"].replies[0]
    assert reply.when is None and reply.mood == () and reply.skills == () and reply.note == ""


def test_yes_no_and_numbers_are_text_where_text_is_expected(catalog):
    text = edit("text: Sorry about that, let me fix it.", "text: No",
                "say: Hello.", "say: 42", "title: Tiny", "title: yes")
    scenario, diagnostics = load_text(text, catalog)
    assert diagnostics == []
    assert scenario.nodes["opening"].replies[0].text == "No"
    assert scenario.nodes["opening"].say[0].text == "42"
    assert scenario.title == "yes"


def test_every_problem_is_reported_in_one_pass(catalog):
    text = edit("title: Tiny", "tittle: Tiny", "persona: reasonable", "persona: reasnable",
                "acts: [apologize, offer-solution]", "acts: [apologise, offer-solution]",
                "next: done", "next: dnoe", "outcome: resolved", "outcome: happy")
    scenario, diagnostics = load_text(text, catalog)
    assert scenario is None
    assert codes_of(diagnostics) == ["S101", "S203", "S202", "S201", "S208"]
    assert [d.hint for d in diagnostics[:4]] == [
        "did you mean 'title'?", "did you mean 'reasonable'?", "did you mean 'apologize'?",
        "did you mean 'done'?"]
    assert all(d.line > 0 and d.column > 0 for d in diagnostics)


def test_a_broken_reply_does_not_also_show_up_as_graph_problems(catalog):
    # the only way to the ending is broken: no "unreachable" or "no ending" on top
    text = edit("next: done", "next: [done]")
    _, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics) == ["S103"]


def test_a_broken_node_is_reported_once_not_at_every_reply_leading_to_it(catalog):
    text = edit("        next: done\n", "        next: later\n      - {text: Hm., acts: [stall], next: later}\n",
                "endings:", "  later: [not, a, mapping]\nendings:")
    _, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics) == ["S103"]


def test_a_broken_endings_section_is_reported_once(catalog):
    _, diagnostics = load_text(edit("  done: {outcome: resolved, text: Fixed.}\n", "  - done\n"), catalog)
    assert codes_of(diagnostics) == ["S103"]


def test_graph_rules_still_run_beside_unrelated_errors(catalog):
    text = edit("acts: [apologize, offer-solution]", "acts: [apologise]") + \
        "  spare: {outcome: unresolved, text: Nobody comes here.}\n"
    _, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics) == ["S202", "S301"]


@pytest.mark.parametrize("text, code", [
    ("", "S005"),
    ("   \n# just a comment\n", "S005"),
    ("- a\n- b\n", "S006"),
    ("just words\n", "S006"),
    ("a: [1, 2\n", "S004"),
    ("a: 1\n---\nb: 2\n", "S004"),
    ("a: b: c\n", "S004"),
    ("x: *nothing\n", "S004"),
    ("key: \x07bell\n", "S004"),
])
def test_bad_yaml_is_a_diagnostic_never_a_traceback(catalog, text, code):
    scenario, diagnostics = load_text(text, catalog)
    assert scenario is None
    assert code in codes_of(diagnostics)


@pytest.mark.parametrize("value", ["0", "4", "-1"])
def test_difficulty_out_of_range(catalog, value):
    _, diagnostics = load_text(edit("title: Tiny", f"title: Tiny\ndifficulty: {value}"), catalog)
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("S105", 4, 13)]


def test_not_utf8_reports_the_byte_position(catalog):
    data = BASE.encode().replace(b"title: Tiny", b"title: Ti\xffny")
    _, diagnostics = load_text(data, catalog)
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("S002", 3, 10)]
    assert "0xff" in diagnostics[0].message


def test_a_utf8_bom_is_accepted(catalog):
    scenario, diagnostics = load_text(b"\xef\xbb\xbf" + BASE.encode(), catalog)
    assert diagnostics == [] and scenario is not None


def test_duplicate_keys_are_reported_even_deep_inside(catalog):
    text = edit("        next: done\n", "        next: done\n        note: a\n        note: b\n")
    _, diagnostics = load_text(text, catalog)
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("S009", 14, 9)]
    assert "first defined on line 13" in diagnostics[0].message


def test_duplicate_node_ids_are_reported(catalog):
    text = edit("endings:", "  opening:\n    say: Again.\n    replies: []\nendings:")
    _, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics) == ["S009"]


def test_schema_version_too_new_stops_before_unknown_keys_pile_up(catalog):
    text = edit("schema_version: 1", "schema_version: 3", "title: Tiny", "title: Tiny\nfancy: new")
    _, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics) == ["S111"]
    assert "newer" in diagnostics[0].message and "update" in diagnostics[0].hint


def test_schema_version_of_the_wrong_type(catalog):
    _, diagnostics = load_text(edit("schema_version: 1", "schema_version: one"), catalog)
    assert codes_of(diagnostics) == ["S103"]


def test_alias_bomb_is_rejected_quickly_and_cut_out(catalog):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    text = edit("title: Tiny", "title: Tiny\n" + "\n".join(lines))
    _, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics).count("S007") == 12
    assert codes_of(diagnostics).count("S008") == 110
    assert len(diagnostics) < 200  # walking 10**11 leaves would never get here


def test_alias_inside_the_model_is_reported_once(catalog):
    text = edit("acts: [apologize, offer-solution]", "acts: &both [apologize, offer-solution]",
                "endings:", "      - {text: Ok., acts: *both, next: done}\nendings:")
    _, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics) == ["S007", "S008"]


def test_ampersands_and_stars_in_text_are_not_anchors(catalog):
    text = edit("say: Hello.", "say: Terms & conditions apply * sometimes &more")
    scenario, diagnostics = load_text(text, catalog)
    assert diagnostics == [] and "& conditions" in scenario.nodes["opening"].say[0].text


@pytest.mark.parametrize("nesting", ["[" * 5000 + "]" * 5000, "- " * 5000 + "x",
                                     "{a: " * 3000 + "1" + "}" * 3000])
def test_deep_nesting_is_refused_without_crashing(catalog, nesting):
    _, diagnostics = load_text("bomb:\n  " + nesting + "\n", catalog)
    assert "S012" in codes_of(diagnostics)


def test_size_cap_is_checked_before_parsing(catalog, monkeypatch):
    from simulator.scenario import yaml_source
    monkeypatch.setattr(yaml_source, "MAX_BYTES", 64)
    _, diagnostics = load_text("a: [" * 100, catalog)
    assert codes_of(diagnostics) == ["S001"]


def test_tabs_in_indentation_are_reported_per_line(catalog):
    text = edit("    say: Hello.", "\tsay: Hello.", "    replies:", "\treplies:")
    _, diagnostics = load_text(text, catalog)
    assert [(d.code, d.line) for d in diagnostics] == [("S003", 8), ("S003", 9)]


def test_a_tab_inside_text_is_fine(catalog):
    scenario, diagnostics = load_text(edit("say: Hello.", 'say: "Hello\tthere."'), catalog)
    assert diagnostics == []


def test_the_lean_resolver_types_values_exactly_like_libyaml(catalog):
    from bench.generate import generate_scenario

    def tags(node, out):
        out.append((node.tag, node.start_mark.line, node.start_mark.column))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                tags(key, out)
                tags(value, out)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                tags(item, out)
        return out

    samples = [FORMAT_TOUR.read_text(), generate_scenario(60),
               "a: [yes, No, on, 0x1F, 1_000, 1:30, .inf, -.5, ~, null, '', =, <<, 2001-12-14, 1e3]\n"]
    for text in samples:
        reference = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        assert tags(yaml.compose(text, Loader=_Loader), []) == tags(reference, [])


def test_unreadable_path_is_a_diagnostic(catalog, tmp_path):
    _, diagnostics = load_scenario(tmp_path / "missing.yaml", catalog)
    assert codes_of(diagnostics) == ["S010"]


def test_read_source_keeps_text_and_hash(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n")
    source, diagnostics = read_source(path)
    assert diagnostics == [] and source.text == "a: 1\n" and len(source.sha256) == 64


def test_a_portrait_is_found_beside_the_scenario_file(catalog, tmp_path):
    import pygame

    from simulator.paths import ASSETS_DIR

    text = edit("customer: {name: Pat, persona: reasonable}",
                "customer:\n  name: Pat\n  persona: reasonable\n  portraits: {angry: portraits/pat.png}")
    path = tmp_path / "pat.yaml"
    path.write_text(text, encoding="utf-8")
    scenario, diagnostics = load_scenario(path, catalog)
    missing = [d for d in diagnostics if d.code == "S109"]
    assert len(missing) == 1 and str(tmp_path / "assets") in missing[0].message
    assert str(ASSETS_DIR) in missing[0].message  # both folders it looked in are named
    (tmp_path / "assets" / "portraits").mkdir(parents=True)
    pygame.image.save(pygame.Surface((8, 8)), str(tmp_path / "assets" / "portraits" / "pat.png"))
    scenario, diagnostics = load_scenario(path, catalog)
    assert "S109" not in codes_of(diagnostics)
    assert scenario is not None and scenario.customer.portraits == (("angry", "portraits/pat.png"),)
    (tmp_path / "assets" / "portraits" / "pat.png").write_text("not an image")
    _, diagnostics = load_scenario(path, catalog)
    assert "S116" in codes_of(diagnostics)  # a broken image beside the scenario is reported, not skipped


def test_conditions_and_portraits(catalog):
    text = edit("customer: {name: Pat, persona: reasonable}",
                "customer:\n  name: Pat\n  persona: reasonable\n  portraits: {angry: portraits/pat.png}",
                "        next: done\n",
                "        next: done\n        when:\n          expression: [angry, furious]\n"
                "          visited: [opening]\n          threshold: escalate\n")
    scenario, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics) == ["S109"]  # only a warning: the image is not shipped
    when = _only_reply(scenario).when if scenario else None
    assert scenario is not None and isinstance(when, Condition)
    assert when.expression == ("angry", "furious") and when.visited == ("opening",)
    assert when.threshold == "escalate"
    assert scenario.customer.portraits == (("angry", "portraits/pat.png"),)


def _only_reply(scenario):
    return scenario.nodes["opening"].replies[0]


@pytest.mark.parametrize("path", sorted(SCENARIOS_DIR.glob("*.yaml")) + [FORMAT_TOUR],
                         ids=lambda p: p.name)
def test_every_shipped_scenario_validates_without_errors(catalog, path):
    scenario, diagnostics = load_scenario(path, catalog)
    assert [d for d in diagnostics if d.severity == "error"] == []
    assert scenario is not None


def test_alias_positions_point_at_each_star(catalog):
    text = ("schema_version: 1\n"
            "a: &outer {inner: &inner [x, y], more: *inner}\n"
            "b: [*outer, {deep: [*inner, *outer]}]\n"
            "c: *inner\n")
    _, diagnostics = load_text(text, catalog)
    stars = [(number, index + 1) for number, line in enumerate(text.splitlines(), start=1)
             for index, char in enumerate(line) if char == "*"]
    assert [(d.line, d.column) for d in diagnostics if d.code == "S008"] == stars


def test_the_bench_generator_makes_a_clean_scenario(catalog):
    from bench.generate import generate_scenario

    scenario, diagnostics = load_text(generate_scenario(120), catalog)
    assert diagnostics == [] and len(scenario.nodes) == 120
