"""The session's changing state is one value, its one-row `ConversationState`: a snapshot holds
that state's own JSON, restoring loads it through the step function, and nothing outside
session.py writes the session's privates."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from simulator.engine import snapshot as snapshot_module
from simulator.engine.session import Phase, Session

ROOT = Path(__file__).resolve().parents[2]


def test_restore_gives_back_the_same_state_every_turn(format_tour, catalog):
    session = Session(format_tour, catalog, seed=11)
    while session.phase is Phase.AWAITING_REPLY:
        snap = json.loads(json.dumps(session.snapshot()))
        restored = Session.restore(format_tour, catalog, snap)
        assert restored.snapshot() == snap
        assert restored.conversation.to_json(restored.stepper.layout) == snap["state"]
        assert restored.options == session.options and restored.provisional_score() == session.provisional_score()
        session.choose(len(session.options) - 1)
    snap = json.loads(json.dumps(session.snapshot()))
    restored = Session.restore(format_tour, catalog, snap)
    assert restored.snapshot() == snap and restored.result == session.result


def test_no_engine_module_writes_a_sessions_private_attributes():
    offenders = []
    for path in (ROOT / "simulator").rglob("*.py"):
        if path.name == "session.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
            for target in targets:
                for item in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    if isinstance(item, ast.Attribute) and item.attr.startswith("_") \
                            and isinstance(item.value, ast.Name) and item.value.id == "session":
                        offenders.append(f"{path.relative_to(ROOT)}:{item.lineno} session.{item.attr}")
    assert offenders == []


def test_a_turn_reads_back_from_its_json_as_it_was(format_tour, catalog):
    from simulator.engine.turn_record import TurnRecord

    session = Session(format_tour, catalog, seed=3)
    while session.phase is Phase.AWAITING_REPLY:
        record = session.choose(0)
        text = json.dumps(record.to_json())
        assert TurnRecord.from_json(json.loads(text), session.compiled.mood.dimensions) == record
