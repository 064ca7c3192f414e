"""A scenario folder's own `data/`: acts, personas and rubric settings that extend the shipped ones.

A trainer keeps scenarios in their own folder; to add a persona (or an act, or a rubric
setting such as the penalty of a new act) they write `data/personas.yaml` beside them in
the same format as the shipped file, holding only what is new. The folder's scenarios are
then checked and scored against the shipped catalog plus these additions, and nothing
else changes: other folders and the shipped library never see them.

Additions may not change what is already defined: an id (or a rubric setting) defined
again with different content is an error at the new definition (S230), since a persona
that scores differently depending on which folder is open would make results incomparable.
Defining it again identically is allowed. The mood model is the program's own: a
`mood.yaml` in a folder's data/ is not read, and a warning says so (S231).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode

from simulator.scenario import catalog as shipped
from simulator.scenario import codes
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import ERROR, Diagnostic
from simulator.scenario.model import NO_SPAN
from simulator.scenario.node_reader import NodeReader
from simulator.scenario.yaml_source import Source, display_path, gc_paused, read_source

DATA_FOLDER = "data"
EXTENDABLE = ("acts.yaml", "personas.yaml", "rubric.yaml")
NOT_EXTENDABLE = ("mood.yaml",)


def extension_dir(folder: str | Path, base_data_dir: str | Path | None = None) -> Path | None:
    """`folder/data` when it exists and is not the base data folder itself, else None."""
    data = Path(folder) / DATA_FOLDER
    if not data.is_dir():
        return None
    base = Path(base_data_dir) if base_data_dir is not None else Path(shipped.DATA_DIR)
    try:
        if data.resolve() == base.resolve():
            return None  # the shipped library's own data: that is the base, not an extension
    except OSError:
        pass
    return data


def extend_catalog(base: Catalog, data_dir: str | Path) -> tuple[Catalog | None, list[Diagnostic]]:
    """`base` plus the additions in `data_dir`; (None, diagnostics) when they have errors."""
    with gc_paused():
        return _extend(base, Path(data_dir))


def catalog_for_folder(folder: str | Path, base: Catalog | None = None,
                       base_data_dir: str | Path | None = None) -> tuple[Catalog | None, list[Diagnostic]]:
    """The catalog a folder's scenarios use: the base (loaded from `base_data_dir`, default the
    shipped data, unless given) extended by the folder's own data/ if it has one."""
    diagnostics: list[Diagnostic] = []
    if base is None:
        if base_data_dir is not None:
            base, diagnostics = shipped.load_catalog(base_data_dir)
        else:
            base, diagnostics = shipped.load_catalog()
        if base is None:
            return None, diagnostics
    extension = extension_dir(folder, base_data_dir)
    if extension is None:
        return base, diagnostics
    extended, more = extend_catalog(base, extension)
    return extended, diagnostics + more


def _extend(base: Catalog, data_dir: Path) -> tuple[Catalog | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    sources: dict[str, Source | None] = {}
    digest = hashlib.sha256(base.sha256.encode())
    for name in NOT_EXTENDABLE:
        if (data_dir / name).exists():
            diagnostics.append(codes.make("S231", display_path(data_dir / name), 1, 1, file=name))
    for name in EXTENDABLE:
        path = data_dir / name
        if not path.exists():
            sources[name] = None
            continue
        source, problems = read_source(display_path(path))
        diagnostics.extend(problems)
        sources[name] = source
        if source is not None:
            digest.update(b"extension\0" + name.encode() + b"\0" + source.text.encode("utf-8") + b"\0")
    if any(d.severity == ERROR for d in diagnostics):
        return None, diagnostics

    acts = dict(base.acts)
    if sources["acts.yaml"] is not None:
        found = shipped._read_acts(sources["acts.yaml"], base.mood.dimension_ids, diagnostics)
        if found is not None:
            _merge_ids("act", acts, found, diagnostics)
    personas = dict(base.personas)
    if sources["personas.yaml"] is not None:
        found = shipped._read_personas(sources["personas.yaml"], base.mood, acts, diagnostics)
        if found is not None:
            _merge_ids("persona", personas, found, diagnostics)
    rubric = copy.deepcopy(dict(base.rubric))
    source = sources["rubric.yaml"]
    if source is not None:
        found = shipped._read_rubric(source, diagnostics)
        if found is not None and source.root.__class__ is MappingNode:
            _merge_settings(rubric, source.root, found, (), NodeReader(source.path), diagnostics)
            if not any(d.severity == ERROR for d in diagnostics):  # the merged rubric must still work
                checker = NodeReader(source.path)
                shipped._check_rubric(checker, source.root, rubric, acts)
                diagnostics.extend(checker.diagnostics)
    if any(d.severity == ERROR for d in diagnostics):
        return None, diagnostics
    return dataclasses.replace(base, acts=acts, personas=personas, rubric=rubric,
                               sha256=digest.hexdigest()), diagnostics


def _same(old: Any, new: Any) -> bool:
    """Equal apart from where they are written."""
    try:
        return dataclasses.replace(old, span=NO_SPAN) == dataclasses.replace(new, span=NO_SPAN)
    except TypeError:
        return old == new


def _merge_ids(kind: str, into: dict[str, Any], found: dict[str, Any], diagnostics: list[Diagnostic]) -> None:
    for name, item in found.items():
        old = into.get(name)
        if old is None:
            into[name] = item
        elif not _same(old, item):
            span = item.span
            diagnostics.append(codes.make("S230", span.path, span.line, span.column, kind=kind, name=name,
                                          other=f"{old.span.path}:{old.span.line}"))


def _merge_settings(into: dict, node: MappingNode, data: dict, where: tuple[str, ...], reader: NodeReader,
                    diagnostics: list[Diagnostic]) -> None:
    """Add the rubric settings under `node` to `into`; a leaf that differs is a conflict."""
    for key, value in node.value:
        name = key.value
        if not where and name == "schema_version":
            continue
        if name not in data:
            continue  # a duplicate key the reader already reported
        if name not in into:
            into[name] = data[name]
        elif isinstance(into[name], dict) and value.__class__ is MappingNode and isinstance(data[name], dict):
            _merge_settings(into[name], value, data[name], where + (name,), reader, diagnostics)
        elif into[name] != data[name]:
            setting = ".".join(where + (name,))
            diagnostics.append(codes.make("S230", reader.path, key.start_mark.line + 1,
                                          key.start_mark.column + 1, kind="rubric setting", name=setting,
                                          other="the shipped rubric.yaml"))
