"""`schema_version`: every scenario and data file says which format it is written in.

A file newer than this program is rejected before anything else is read, so a trainer
gets one clear "update customer-sim" message instead of a screen of unknown keys.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, ScalarNode

from simulator.scenario import codes
from simulator.scenario.model import SCHEMA_VERSION
from simulator.scenario.node_reader import NodeReader

OLDEST_SUPPORTED = 1


def check_schema_version(reader: NodeReader, root: MappingNode) -> bool:
    """Report a missing, mistyped, too-new or too-old schema_version.

    Returns False when the rest of the file should not be read (a version we do not
    understand); a missing or mistyped version is reported and read as the current one.
    """
    # read before any other key, so a too-new file gets one message, not one per new key
    node = next((value for key, value in root.value
                 if key.__class__ is ScalarNode and key.value == "schema_version"), None)
    if node is None:
        mark = root.start_mark
        # appended directly: the top-level mapping may also be missing other keys
        reader.diagnostics.append(codes.make("S110", reader.path, mark.line + 1, mark.column + 1,
                                             supported=SCHEMA_VERSION))
        return True
    version = reader.integer(node, "schema_version")
    if version is None:
        return True
    if version > SCHEMA_VERSION:
        reader.report(node, "S111", found=version, supported=SCHEMA_VERSION)
        return False
    if version < OLDEST_SUPPORTED:
        reader.report(node, "S112", found=version, supported=OLDEST_SUPPORTED)
        return False
    return True
