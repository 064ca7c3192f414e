"""`customer-sim new NAME [-o PATH]`: write a well-commented starter scenario.

The starter is a data file (`simulator/templates/starter.yaml`) that validates, plays and
passes every quality gate (`analyse --check`) as it is; this command only gives it the
trainer's id and title. It never overwrites a
file: a trainer's afternoon of writing is worth more than a convenient default.

Without -o it writes into the user's own scenario folder (created if needed), which the
game lists under "Your scenarios"; it always says where the file went.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

HELP = "write a commented starter scenario that passes every quality gate (never overwrites a file)"

from simulator.paths import template_path

TEMPLATE = template_path("starter.yaml")
# The template's own id and title lines; the command rewrites exactly these two.
_ID_LINE = re.compile(r"^id: .*$", re.MULTILINE)
_TITLE_LINE = re.compile(r"^title: .*$", re.MULTILINE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME",
                        help='the scenario\'s name, e.g. "Late refund" or late-refund; '
                             "it becomes the id (late-refund) and the title (Late refund)")
    parser.add_argument("-o", "--output", metavar="PATH", default=None,
                        help="file to write, or a folder to write <id>.yaml into "
                             "(default: your own scenario folder, which the game lists)")


def slug(name: str) -> str:
    """The scenario id for `name`: lowercase letters and digits joined by '-' ("Café" -> "cafe")."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower()))


def title_of(name: str) -> str:
    """A title for `name`: kept as written when it has spaces, else built from the words."""
    name = name.strip()
    if " " in name:
        return name
    words = re.findall(r"[A-Za-z0-9]+", name)
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def starter_text(scenario_id: str, title: str) -> str:
    """The template with its id and title replaced (YAML-quoted so any title is safe)."""
    text = TEMPLATE.read_text(encoding="utf-8")
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    text = _ID_LINE.sub(lambda _: f"id: {scenario_id}", text, count=1)
    return _TITLE_LINE.sub(lambda _: f"title: {quoted}", text, count=1)


def run(args: argparse.Namespace) -> int:
    scenario_id = slug(args.name)
    if not scenario_id:
        print(f"customer-sim new: error: the name {args.name!r} has no letters or digits to make an id "
              f"from; try something like \"late-refund\"", file=sys.stderr)
        return 2
    if args.output:
        target = Path(args.output)
    else:
        from simulator.scenario.sources import ensure_user_folder

        folder, problem = ensure_user_folder()
        if problem:
            print(f"customer-sim new: error: {problem}; choose a place with -o PATH", file=sys.stderr)
            return 1
        target = folder / f"{scenario_id}.yaml"
    if target.is_dir() or (args.output and args.output.endswith(("/", os.sep))):
        target = target / f"{scenario_id}.yaml"  # "-o drafts/" names a folder, existing or not
    if target.exists():
        print(f"customer-sim new: error: {target} already exists; nothing was written. "
              f"Choose another NAME, or another file with -o PATH.", file=sys.stderr)
        return 1
    if not target.parent.is_dir():
        print(f"customer-sim new: error: the folder {target.parent} does not exist; create it first "
              f"or choose another -o PATH", file=sys.stderr)
        return 1
    created = False
    try:
        text = starter_text(scenario_id, title_of(args.name))
        # "x" creates the file only if it does not exist, so a file that appears between the
        # check above and this write is still never overwritten
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            created = True
            handle.write(text)
    except FileExistsError:
        print(f"customer-sim new: error: {target} already exists; nothing was written.", file=sys.stderr)
        return 1
    except OSError as error:
        if created:  # ours and cut short (a full disk): an empty file would block the next try
            target.unlink(missing_ok=True)
        print(f"customer-sim new: error: cannot write {target}: {error.strerror or error}", file=sys.stderr)
        return 1
    where = "" if args.output else "\nThis is your own scenario folder: the game lists it under \"Your scenarios\"."
    print(f"Wrote {target} (id {scenario_id}).{where}\nNext:\n"
          f"  customer-sim validate {target}\n"
          f"  customer-sim analyse --check {target}   (every quality gate, and the best path to try)\n"
          f"  customer-sim play {target}        (press F5 in the game to reload after editing)")
    return 0
