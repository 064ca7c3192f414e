"""The catalogue of diagnostic codes: one entry per problem a trainer can make.

Codes are stable: tools, tests and trainers' notes refer to them, so a code is never reused
for a different problem. Each entry has a message template, a hint template and a small
example that triggers it (tests/fixtures/diagnostics/ holds one full fixture per code).

Families: S0xx the file itself (bytes, YAML syntax), S1xx structure (keys, types, values),
S2xx references between things, S3xx the conversation graph, S4xx what playing every path
finds (reported by `customer-sim analyse`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from simulator.scenario.diagnostics import ERROR, WARNING, Diagnostic


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    slug: str
    severity: str
    title: str
    message: str  # str.format template
    hint: str  # str.format template; "" = none
    example: str  # YAML that triggers it (in context)


def _entries() -> Iterable[Code]:
    e, w = ERROR, WARNING
    yield Code("S001", "file-too-large", e, "File too large",
               "the file is larger than {limit}, the most a scenario or data file may be",
               "split it into several scenarios; a long scenario is a few dozen KiB",
               "(any file over 1 MiB)")
    yield Code("S002", "not-utf8", e, "Not UTF-8",
               "the file is not UTF-8 text: byte {byte} at byte offset {offset} cannot be decoded",
               "save the file as UTF-8 in your editor (usually under 'Save with encoding')",
               "title: Caf\\xe9  (Latin-1 bytes)")
    yield Code("S003", "tab-indent", e, "Tab in indentation",
               "a tab character is used for indentation",
               "YAML indents with spaces only; replace the tab with spaces",
               "nodes:\n\\tstart: ...")
    yield Code("S004", "yaml-syntax", e, "YAML syntax error",
               "{problem}{context}",
               "check the indentation and quotes on this line and the one above; text that "
               "contains ': ' or starts with a quote must be quoted as a whole",
               "title: \"unclosed")
    yield Code("S005", "empty-file", e, "Empty file",
               "the file contains no YAML document",
               "a scenario starts with 'schema_version: 1' and 'id: ...'; see "
               "tests/fixtures/scenarios/format_tour.yaml or run 'customer-sim new'",
               "# only a comment")
    yield Code("S006", "root-not-mapping", e, "Top level is not a mapping",
               "the top level must be a mapping of keys such as 'id:' and 'nodes:', found {found}",
               "start the file with 'schema_version: 1' on its own line, with no '-' before it",
               "- schema_version: 1")
    yield Code("S007", "anchor", e, "Anchor not allowed",
               "anchors (&{anchor}) are not allowed in scenario files",
               "write the repeated part out in full; anchors and aliases make a file hard to "
               "follow and can be abused to blow up memory",
               "text: &line Hello")
    yield Code("S008", "alias", e, "Alias not allowed",
               "aliases (*{anchor}) are not allowed in scenario files",
               "write the repeated part out in full instead of referring to &{anchor}",
               "note: *line")
    yield Code("S009", "duplicate-key", e, "Duplicate key",
               "duplicate key '{key}' (first defined on line {first_line})",
               "YAML would silently keep only the last one; remove or rename one of them",
               "title: A\ntitle: B")
    yield Code("S010", "unreadable", e, "Cannot read file",
               "cannot read {path}: {reason}",
               "check that the path names a readable file",
               "(a folder or a file without read permission)")
    yield Code("S012", "too-deep", e, "Nesting too deep",
               "the YAML is nested more than {limit} levels deep",
               "a scenario needs fewer than ten levels; look for runaway brackets",
               "[[[[[[[[ ... ]]]]]]]]")
    yield Code("S015", "hidden-characters", w, "Invisible characters removed",
               "{what} contains {count} invisible formatting character(s) ({names}); they were removed",
               "text pasted from the web often carries these; retype the line or delete them in your editor",
               "say: \"Hello\u200b there\"")
    yield Code("S016", "line-separator", w, "Line separators read as spaces",
               "this line contains {count} Unicode line separator(s) ({names}); they were read as spaces",
               "text pasted from a web page or word processor carries these, and YAML would end the line "
               "at each; press Enter where a new line is meant, or delete them",
               "say: \"Hello\u2028there\"")
    yield Code("S101", "unknown-key", e, "Unknown key",
               "unknown key '{key}' in {where}",
               "allowed keys here: {allowed}",
               "tittle: The Wrong Size Shoes")
    yield Code("S102", "missing-key", e, "Missing required key",
               "{where} is missing the required {keys}",
               "add {example}",
               "- text: Hello\n  acts: [invite]    # no next:")
    yield Code("S103", "wrong-type", e, "Wrong type",
               "{what} must be {expected}, found {found}",
               "{hint}",
               "acts: invite    # needs a list: [invite]")
    yield Code("S104", "empty-value", e, "Empty value",
               "{what} must not be empty",
               "{hint}",
               "text: \"\"")
    yield Code("S105", "out-of-range", e, "Value out of range",
               "{what} must be {limits}, found {value}",
               "",
               "difficulty: 7")
    yield Code("S106", "bad-id", e, "Invalid id",
               "'{value}' is not a valid {what}",
               "{rule}",
               "id: Wrong Size!")
    yield Code("S107", "contradictory-bound", e, "Bound can never hold",
               "at_least ({low}) is greater than at_most ({high}) for '{dimension}', "
               "so this condition can never hold",
               "swap the two numbers, or drop one of them",
               "mood: {trust: {at_least: 0.8, at_most: 0.2}}")
    yield Code("S108", "bad-portrait-path", e, "Portrait path outside assets",
               "portrait path '{value}' must be a relative path inside the assets folder",
               "write it relative to assets/, e.g. portraits/sam_angry.png",
               "portraits: {angry: /home/me/sam.png}")
    yield Code("S109", "missing-portrait", w, "Portrait file not found",
               "portrait file {value} is in none of {looked}; the game will draw the default face",
               "check the file name, or put the image in an assets/ folder beside the scenario file",
               "portraits: {angry: portraits/nobody.png}")
    yield Code("S116", "unusable-portrait", w, "Portrait file cannot be used",
               "portrait file {value} cannot be used: {reason}; the game will draw the default face",
               "use a PNG or JPEG of at most {limits} inside the assets folder",
               "portraits: {angry: portraits/bomb.png}    # 20000 x 20000 pixels")
    yield Code("S110", "schema-version-missing", e, "schema_version missing",
               "the file has no 'schema_version'",
               "add 'schema_version: {supported}' as the first line",
               "id: my-scenario    # no schema_version")
    yield Code("S111", "schema-version-too-new", e, "schema_version too new",
               "schema_version {found} is newer than this program understands (it reads "
               "version {supported})",
               "update customer-sim, or write the file for schema_version {supported}",
               "schema_version: 2")
    yield Code("S112", "schema-version-too-old", e, "schema_version too old",
               "schema_version {found} is older than the oldest version this program reads "
               "({supported})",
               "version {supported} is the first format; set 'schema_version: {supported}'",
               "schema_version: 0")
    yield Code("S113", "trigger-always", w, "Trigger always fires",
               "this trigger has no condition, so it fires after the very first reply",
               "give it a condition such as {{threshold: walk_out}}",
               "triggers:\n  - when: {}\n    goto: manager")
    yield Code("S114", "bad-choice", e, "Not one of the allowed values",
               "{what} must be one of {choices}, found '{value}'",
               "{hint}",
               "polarity: positiv")
    yield Code("S115", "bad-rubric-setting", e, "Rubric setting not usable",
               "rubric.yaml {where}: {problem}",
               "each setting is explained in the comments of scenarios/data/rubric.yaml",
               "rules: {provocation: {let_pass_keeps: 1.5}}")
    yield Code("S201", "unknown-target", e, "Unknown node or ending",
               "'{name}' is not {kind} in this scenario",
               "{hint}",
               "next: optoins")
    yield Code("S202", "unknown-act", e, "Unknown act",
               "unknown act '{name}'",
               "{hint}",
               "acts: [acknowlege]")
    yield Code("S203", "unknown-persona", e, "Unknown persona",
               "unknown persona '{name}'",
               "{hint}",
               "persona: impatent")
    yield Code("S204", "unknown-skill", e, "Unknown skill",
               "unknown skill '{name}'",
               "{hint}",
               "skills: {empaty: 5}")
    yield Code("S205", "unknown-dimension", e, "Unknown mood dimension",
               "unknown mood dimension '{name}'",
               "{hint}",
               "mood: {trsut: 0.3}")
    yield Code("S206", "unknown-expression", e, "Unknown expression label",
               "unknown expression label '{name}'",
               "{hint}",
               "say: {furios: ...}")
    yield Code("S207", "unknown-threshold", e, "Unknown threshold",
               "unknown threshold '{name}'",
               "{hint}",
               "when: {threshold: walkout}")
    yield Code("S208", "unknown-outcome", e, "Unknown outcome",
               "unknown outcome '{name}'",
               "{hint}",
               "outcome: happy")
    yield Code("S209", "duplicate-id", e, "Node and ending share an id",
               "'{name}' is both a node (line {node_line}) and an ending",
               "nodes and endings share one set of names; rename one of them",
               "nodes: {close: ...}\nendings: {close: ...}")
    yield Code("S210", "start-not-node", e, "start names an ending",
               "start must name a node, but '{name}' is an ending",
               "point start at the node where the conversation opens",
               "start: resolved_end")
    yield Code("S212", "duplicate-scenario-id", e, "Scenario id used twice",
               "scenario id '{name}' is also used by {other}",
               "each scenario needs its own id; attempt records are kept per id",
               "(two files with the same id:)")
    yield Code("S230", "data-conflict", e, "Defined twice differently",
               "{kind} '{name}' is already defined in {other} with different content",
               "a folder's data/ may add acts, personas and rubric settings but not change existing "
               "ones; give this one a new id (or delete one of the two definitions)",
               "personas:\n  impatient: {label: My impatient}    # in my-folder/data/personas.yaml")
    yield Code("S231", "data-not-extendable", w, "Data file not read here",
               "{file} in a scenario folder's data/ is not read: the mood model is the program's own",
               "only acts.yaml, personas.yaml and rubric.yaml extend the shipped data; delete this "
               "file, or move its personas' starting moods into personas.yaml",
               "my-folder/data/mood.yaml")
    yield Code("S220", "unknown-look", e, "Unknown look value",
               "'{name}' is not a value this look field knows",
               "{hint}",
               "look: {hair_style: mohawk}")
    yield Code("S213", "unknown-provocation", e, "Unknown provocation kind",
               "unknown provocation kind '{name}'",
               "{hint}",
               "provokes: [insullt]")
    yield Code("S310", "only-penalised-replies", w, "Every reply is penalised",
               "every reply at node '{name}' is penalised ({why}), so the trainee cannot answer well here",
               "add a reply that does the right thing here, tagged without negative acts",
               "replies that all carry a negative act")
    yield Code("S301", "unreachable", w, "Unreachable",
               "{kind} '{name}' can never be reached from start '{start}'",
               "point a reply's next (or a trigger's goto) at it, or delete it",
               "an ending no reply leads to")
    yield Code("S302", "no-way-out", e, "Node with no way out",
               "node '{name}' has no replies, so the conversation gets stuck here",
               "add at least one reply whose next leads on, or make it an ending",
               "stuck:\n  say: Hmm.\n  replies: []")
    yield Code("S303", "trapped-cycle", e, "Loop with no exit",
               "{names} form a loop with no way out to any ending",
               "give one of these nodes a reply whose next leads out of the loop",
               "a: {replies: [{next: b}]}, b: {replies: [{next: a}]}")
    yield Code("S304", "no-reachable-ending", e, "No reachable ending",
               "no ending can be reached from start '{name}'",
               "add an ending under 'endings:' and point a reply's next at it",
               "endings that no path from start leads to")
    yield Code("S305", "ending-past-turn-limit", w, "Ending only reachable past the turn limit",
               "ending '{name}' needs at least {turns} turns, but the game ends a conversation after "
               "{limit}, so it can never be reached in play",
               "add a shorter route to it, or split the conversation into several scenarios",
               "a chain of 61 nodes before the only ending")
    # S4xx: found by playing every path (`customer-sim analyse`), not by `validate`
    yield Code("S401", "best-reply-longest", w, "Best path always picks the longest reply",
               "the best path's reply is the longest on screen in {count} of its {turns} turns with a "
               "choice (more than half), so a trainee who always picks the longest reply follows it",
               "write a tempting wrong reply as long as the right one at some of: {nodes}",
               "a best reply that is longer than every other reply at most nodes")
    yield Code("S402", "trigger-pre-empts-reply", w, "A trigger always pre-empts this reply",
               "reply {number} at node '{node}' leads to '{target}', but trigger {trigger} (goto '{goto}') "
               "fires every time it is picked (all {count} ways of playing it), so '{target}' is never "
               "reached from here",
               "point the reply's next at '{goto}' if that is what you mean, or change the trigger's "
               "`when` or the reply's acts so the reply's own next can happen",
               "a reply that always crosses the walk_out threshold, next: apology_node")
    yield Code("S403", "trigger-fires-when-pleased", w, "Walk-out or escalation while pleased",
               "trigger {trigger} ({kind}, goto '{goto}') fires while the customer is {expression} "
               "({count} ways of playing it; e.g. `customer-sim run` with --choices {choices})",
               "a pleased customer does not walk out or ask for a manager: add a mood bound to the "
               "trigger's `when` (e.g. pleasure: {{at_most: -0.1}}) so it needs an unhappy customer",
               "when: {threshold: walk_out} reached while patience ran out but pleasure is high")

CODES: dict[str, Code] = {entry.code: entry for entry in _entries()}


def make(code: str, path: str, line: int, column: int, /, *, hint: str | None = None,
         end_column: int = 0, severity: str | None = None, **fields) -> Diagnostic:
    """A Diagnostic for `code` with its message and hint filled from `fields`."""
    entry = CODES[code]
    fields.setdefault("hint", "")
    message = entry.message.format(**fields)
    if hint is None:
        try:
            hint = entry.hint.format(**fields)
        except KeyError:  # a template field the caller had nothing for: no hint at all
            hint = ""
    return Diagnostic(path, line, column, severity or entry.severity, code, message, hint,
                      end_column)


def close_match(word: str, choices: Iterable[str]) -> str | None:
    """The closest of `choices` to a misspelt `word` (difflib), or None."""
    import difflib  # only a misspelling needs it (it costs the start-up of every command)

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str], listing: str = "") -> str:
    """'did you mean X?' from difflib, else `listing` (e.g. 'known acts: ...')."""
    choices = list(choices)
    close = close_match(word, choices)
    if close:
        return f"did you mean '{close}'?"
    if listing:
        return listing
    shown = ", ".join(sorted(choices)[:12])
    more = ", …" if len(choices) > 12 else ""
    return f"known names: {shown}{more}" if choices else ""
