"""Hostile scenario files and folders (hostile round 3): what the cheap pre-checks let
through to libyaml must still cost little, and whatever sits in a scenario folder under a
*.yaml name is either read or reported with a reason, never silently left out."""

from __future__ import annotations

import os
import socket

import pytest
import yaml

from simulator.cli import main
from simulator.scenario import formatting, yaml_source
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.yaml_source import MAX_DEPTH, read_source
from simulator.paths import SCENARIOS_DIR
from simulator.ui.library import ScenarioLibrary


def test_runaway_flow_brackets_are_refused_after_reading_only_the_first_levels(monkeypatch):
    # libyaml's scanner slows quadratically with flow depth: listing every event of 100,000
    # "[" took 35 s (1 MiB of them, minutes) before the depth check even looked at them
    consumed = []
    real_parse = yaml.parse

    def counting_parse(*args, **kwargs):
        for event in real_parse(*args, **kwargs):
            consumed.append(event)
            yield event

    monkeypatch.setattr(yaml_source.yaml, "parse", counting_parse)
    data = ("a: " + "[" * 100_000 + "]" * 100_000 + "\n").encode()
    source, [diagnostic] = read_source("deep.yaml", data)
    assert source is None and diagnostic.code == "S012"
    assert (diagnostic.line, diagnostic.column) == (1, 3 + MAX_DEPTH)  # the root mapping is the first level
    assert len(consumed) < 4 * MAX_DEPTH


def test_many_diagnostics_on_one_long_line_clean_only_what_is_shown(monkeypatch):
    # 60,000 anchors on one 1 MiB line: each diagnostic cleaned the whole line before cutting
    # the 100 characters it shows, so validate never finished
    line = "a: [" + ",".join(f"&a{i} 1" for i in range(20_000)) + "]"
    cleaned_lengths = []
    real = formatting.UNSAFE

    class Recording:
        def sub(self, replacement, text):
            cleaned_lengths.append(len(text))
            return real.sub(replacement, text)

    monkeypatch.setattr(formatting, "UNSAFE", Recording())
    diagnostics = [Diagnostic("wide.yaml", 1, column, "error", "S007", "anchor")
                   for column in range(5, 200_000, 1_000)]
    text = formatting.format_diagnostics(diagnostics, {"wide.yaml": line + "\n"})
    assert text.count("error[S007]") == len(diagnostics)
    assert max(cleaned_lengths) <= 102  # the window and its two ellipses


def test_a_caret_still_lines_up_under_a_control_character_in_a_long_line():
    line = "x" * 300 + "\x1b" + "y" * 300
    shown, caret = formatting._caret_line(line, 301, 0)
    assert "\x1b" not in shown and shown[caret.index("^")] == "\ufffd"


@pytest.fixture()
def odd_folder(tmp_path):
    """A scenario folder holding one good file and every kind of thing that is not one."""
    (tmp_path / "good.yaml").write_bytes((SCENARIOS_DIR / "tutorial.yaml").read_bytes())
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "gone.yaml").symlink_to("nowhere.yaml")
    (tmp_path / "loop1.yaml").symlink_to("loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to("loop1.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "folder.yaml").mkdir()  # sub-folders are never searched
    (tmp_path / ".#good.yaml").symlink_to("root@host.1234")  # an editor's lock file
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.yaml"))
    yield tmp_path
    sock.close()


REASONS = {
    "gone.yaml": "it is a symbolic link to nowhere.yaml, which does not exist",
    "loop1.yaml": "it is a symbolic link that leads back to itself (a loop)",
    "loop2.yaml": "it is a symbolic link that leads back to itself (a loop)",
    "pipe.yaml": "it is a FIFO (named pipe), not a regular file",
    "sock.yaml": "it is a socket, not a regular file",
    "zero.yaml": "it is a device, not a regular file",
}


def test_a_folder_lists_what_is_not_a_scenario_file_so_it_can_be_reported(odd_folder):
    from simulator.scenario.validate import folder_scenario_files

    names = [path.name for path in folder_scenario_files(odd_folder)]
    assert names == sorted([*REASONS, "good.yaml"])


def test_validate_names_each_odd_entry_of_a_folder_with_its_reason(odd_folder, capsys):
    assert main(["validate", str(odd_folder)]) == 1
    out = capsys.readouterr().out
    for name, reason in REASONS.items():
        assert f"error[S010]: cannot read {odd_folder / name}: {reason}" in out, name
    assert out.count("error[S010]") == len(REASONS) and "Traceback" not in out
    assert "7 files" in out


@pytest.mark.parametrize("name", ["gone.yaml", "loop1.yaml", "sock.yaml"])
@pytest.mark.parametrize("command", [["validate"], ["analyse"], ["graph"], ["run", "--choices", "1"]])
def test_every_command_says_what_an_odd_path_is(odd_folder, capsys, name, command):
    path = str(odd_folder / name)
    assert main([command[0], path, *command[1:]]) == 1
    said = "".join(capsys.readouterr())
    assert REASONS[name] in said and "no such file" not in said and "Traceback" not in said


def test_the_game_lists_each_odd_entry_as_broken_and_keeps_the_good_one(odd_folder):
    library = ScenarioLibrary(odd_folder)
    library.load()
    by_name = {entry.path.name: entry for entry in library.entries}
    assert by_name["good.yaml"].ok
    for name, reason in REASONS.items():
        entry = by_name[name]
        assert not entry.ok and reason in entry.diagnostics[0].message, name
