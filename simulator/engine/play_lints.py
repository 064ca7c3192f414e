"""Warnings only playing can find: read from the analyser's scored play tree.

`validate` checks what a file says; these rules check what happens when it is played. Each
rule is a small function `(scenario, tree, analysis) -> Iterable[Diagnostic]`, listed in
PLAY_RULES, with a stable S4xx code from `simulator.scenario.codes`:

  S401 the best path's reply is the longest on screen in more than half its turns with a
       choice (a trainee who always picks the longest reply is led along the best path);
  S402 a reply whose `next` a trigger always pre-empts (in every play-through prefix that
       picks it, a trigger sends the conversation elsewhere);
  S403 a walk-out or escalation trigger that fires while the customer is pleased or
       delighted (the words and the mood disagree).

Counts are over the prefixes the tree grew: every play-through when the analysis was
exhaustive, else the ones the beam search found (S402, a claim about *every* time a reply is
picked, is then not made; S401 and S403 come with the path that shows them).
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from simulator.engine import mood as mood_model
from simulator.engine.analysis import ScenarioAnalysis
from simulator.engine.batch_play import PlayTree
from simulator.engine.distinct import distinct
from simulator.engine.surface_strategies import on_growable_tree
from simulator.scenario import codes
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.model import Scenario, Span

PlayRule = Callable[[Scenario, PlayTree, ScenarioAnalysis], Iterable[Diagnostic]]
PLEASED = ("pleased", "delighted")  # expressions a customer does not walk out or escalate in
BAILING_OUTCOMES = ("walked-out", "escalated")
BAILING_THRESHOLDS = ("walk_out", "escalate")
_LISTED = 6  # node names shown in one message


def _at(code: str, span: Span, **fields) -> Diagnostic:
    return codes.make(code, span.path, span.line, span.column,
                      end_column=span.end_column if span.end_line == span.line else 0, **fields)


def best_path_turns(tree: PlayTree, choices: tuple[int, ...]) -> list[tuple[str, list[str], int]]:
    """(node id, reply texts in authored order, 0-based option picked) for each turn of a path
    given as 1-based authored choice numbers."""
    turns = []
    node = 0
    for choice in choices:
        option = choice - 1
        count = int(tree.n_options[node])
        replies = tree.replies[int(tree.loc[node])]
        texts = [replies[int(tree.option_reply[node, k])].text for k in range(count)]
        turns.append((tree.node_ids[int(tree.loc[node])], texts, option))
        child = int(tree.children[node, option])
        node = child if child >= 0 else int(tree.grow(np.array([node]), np.array([option]))[0])
    return turns


def longest_turns(tree: PlayTree, choices: tuple[int, ...]) -> tuple[list[str], int]:
    """(node ids where the picked reply is the longest on screen, turns with a choice)."""
    longest, turns = [], 0
    for node_id, texts, option in best_path_turns(tree, choices):
        if len(texts) < 2:
            continue
        turns += 1
        if len(texts[option]) >= max(len(t) for t in texts):
            longest.append(node_id)
    return longest, turns


def best_reply_longest(scenario: Scenario, tree: PlayTree, analysis: ScenarioAnalysis) -> Iterable[Diagnostic]:
    """S401: the best path's reply is the longest on screen in more than half its choice turns."""
    if analysis.best is None:
        return
    longest, turns = on_growable_tree(tree, lambda t: longest_turns(t, analysis.best.choices))
    if turns and 2 * len(longest) > turns:
        unique = list(dict.fromkeys(longest))
        shown = ", ".join(unique[:_LISTED]) + (f" and {len(unique) - _LISTED} more" if len(unique) > _LISTED else "")
        yield _at("S401", scenario.nodes[longest[0]].span, count=len(longest), turns=turns, nodes=shown)


def _edges(tree: PlayTree) -> tuple[np.ndarray, ...]:
    """For every grown prefix but the opening: (child id, node index, reply index, fired)."""
    ids = np.arange(1, tree.size, dtype=np.int64)
    parents = tree.parent[ids]
    node = tree.loc[parents].astype(np.int64)
    reply = tree.reply[ids].astype(np.int64)
    intended = tree.stepper.reply_next[node, reply]
    ending = tree.ending[ids].astype(np.int64)
    went = np.where(ending >= 0, -1 - ending, tree.loc[ids].astype(np.int64))
    return ids, node, reply, went, went != intended


def _target_id(tree: PlayTree, code: int) -> str:
    return tree.node_ids[code] if code >= 0 else tree.ending_ids[-1 - code]


def trigger_pre_empts(scenario: Scenario, tree: PlayTree, analysis: ScenarioAnalysis) -> Iterable[Diagnostic]:
    """S402: a reply picked at least once whose `next` is never where the conversation goes.

    Only claimed when every play-through was scored: "always" over a partial tree could be
    wrong (the reply may be picked elsewhere in play without the trigger firing)."""
    if not scenario.triggers or tree.size < 2 or analysis.search != "exhaustive":
        return
    ids, node, reply, went, fired = _edges(tree)
    width = tree.max_replies
    keys = node * width + reply
    picked, index, total = np.unique(keys, return_index=True, return_counts=True)
    pre_empted = np.bincount(np.searchsorted(picked, keys[fired]), minlength=picked.size)
    for key, first, count, hit in zip(picked.tolist(), index.tolist(), total.tolist(), pre_empted.tolist()):
        if hit < count:
            continue
        n, r = divmod(key, width)
        node_id = tree.node_ids[n]
        the_reply = scenario.nodes[node_id].replies[r]
        goto = _target_id(tree, int(went[first]))
        trigger = int(tree.trigger[ids[first]])  # the trigger the step recorded as firing
        yield _at("S402", the_reply.span, number=r + 1, node=node_id, target=the_reply.next,
                  trigger=trigger + 1, goto=goto, count=count)


def _bails(scenario: Scenario, trigger_index: int) -> str:
    """'walk_out' / 'escalate' / 'goto walked-out' ... when the trigger ends the call badly, else ''."""
    trigger = scenario.triggers[trigger_index]
    if trigger.when.threshold in BAILING_THRESHOLDS:
        return f"threshold {trigger.when.threshold}"
    ending = scenario.endings.get(trigger.goto)
    if ending is not None and ending.outcome in BAILING_OUTCOMES:
        return f"goes to an ending with outcome {ending.outcome}"
    return ""


def trigger_fires_when_pleased(scenario: Scenario, tree: PlayTree,
                               analysis: ScenarioAnalysis) -> Iterable[Diagnostic]:
    """S403: a walk-out or escalation trigger fires after a reply that left the customer pleased."""
    if not scenario.triggers or tree.size < 2:
        return
    ids, node, reply, went, fired = _edges(tree)
    if not fired.any():
        return
    model = tree.compiled.mood
    expression = mood_model.expression_index(model, tree.mood[ids[fired]])
    pleased = [i for i, label in enumerate(model.expressions) if label in PLEASED]
    keep = np.isin(expression, pleased)
    children, labels = ids[fired][keep], expression[keep]
    if not children.size:
        return
    triggers = tree.trigger[children].astype(np.int64)  # the trigger the step recorded as firing
    for trigger in distinct(triggers).tolist():
        kind = _bails(scenario, trigger)
        if not kind:
            continue
        mine = triggers == trigger
        hits = children[mine]
        shallow = hits[tree.depth[hits] == tree.depth[hits].min()]
        example = min(shallow.tolist(), key=tree.path)
        yield _at("S403", scenario.triggers[trigger].span, trigger=trigger + 1, kind=kind,
                  goto=scenario.triggers[trigger].goto,
                  expression=" or ".join(model.expressions[label] for label in distinct(labels[mine]).tolist()),
                  count=int(hits.size), choices=",".join(str(c + 1) for c in tree.path(example)))

PLAY_RULES: tuple[PlayRule, ...] = (best_reply_longest, trigger_pre_empts, trigger_fires_when_pleased)


def run_play_lints(scenario: Scenario, tree: PlayTree, analysis: ScenarioAnalysis,
                   rules: Iterable[PlayRule] = PLAY_RULES) -> list[Diagnostic]:
    """Every play rule's diagnostics, in rule order."""
    out: list[Diagnostic] = []
    for rule in rules:
        out.extend(rule(scenario, tree, analysis))
    return out
