"""LRS settings (environment first, then the TOML config file), the secret never shown, and
the sender's backoff. No store needed here; tests/records/test_lrs_store.py uses a real one."""

from __future__ import annotations

import base64
import os
import random
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.records.lrs_sender import Sender
from simulator.records.lrs_settings import LrsSettings, load_settings

SECRET = "s3cret-Zebra-42"


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_the_config_file_supplies_what_the_environment_does_not(tmp_path):
    config = _write(tmp_path / "config.toml", '[lrs]\nendpoint = "https://lrs.example.com/xAPI"\n'
                                               f'key = "desk-key"\nsecret = "{SECRET}"\nbatch_size = 25\n')
    settings = load_settings({"CUSTOMER_SIM_LRS_KEY": "from-env"}, config)
    assert settings.configured and settings.problems == ()
    assert (settings.endpoint, settings.key, settings.secret, settings.batch_size) == (
        "https://lrs.example.com/xAPI/", "from-env", SECRET, 25)  # one trailing slash added
    assert settings.sources == {"endpoint": str(config), "key": "$CUSTOMER_SIM_LRS_KEY", "secret": str(config),
                                "batch_size": str(config)}


def test_the_default_config_file_lives_in_the_user_config_folder(monkeypatch):
    import platformdirs

    from simulator.records.lrs_settings import config_path

    assert config_path({}) == Path(platformdirs.user_config_dir("customer-sim", appauthor=False)) / "config.toml"
    assert config_path({"CUSTOMER_SIM_CONFIG": "/etc/team.toml"}) == Path("/etc/team.toml")


def test_the_environment_wins_over_the_file(tmp_path):
    config = _write(tmp_path / "config.toml", '[lrs]\nendpoint = "https://old.example.com/xAPI/"\n')
    settings = load_settings({"CUSTOMER_SIM_LRS_ENDPOINT": "http://127.0.0.1:9/xAPI/"}, config)
    assert settings.endpoint == "http://127.0.0.1:9/xAPI/"
    assert not settings.configured and settings.missing() == [
        f"key ($CUSTOMER_SIM_LRS_KEY or in {config})", f"secret ($CUSTOMER_SIM_LRS_SECRET or in {config})"]


@pytest.mark.parametrize("text, expected", [
    ('[lrs]\nendpoint = "https://x.example.com/"\nkey = \n', ":3:7: not valid TOML"),
    ('lrs = "https://x.example.com"\n', "'lrs' must be a table"),
    ('[lrs]\nendpoint = "ftp://x.example.com/"\n', "must be an http(s) address"),
    ('[lrs]\nendpoint = "https://ana:pw@x.example.com/xAPI/"\n', "must not contain a user name or password"),
    ('[lrs]\nendpoint = "https://x.example.com/xAPI/?a=1"\n', "without ?query"),
    ('[lrs]\nbatch_size = 0\n', "batch_size must be a whole number from 1 to 1000"),
    ('[lrs]\nkey = 42\n', "lrs.key must be text in quotes"),
    # these three raised out of load_settings, so every lrs command and the game's sender failed
    ('[lrs]\nbatch_size = inf\n', "batch_size must be a whole number from 1 to 1000"),
    ('[lrs]\nendpoint = "http://[::1/xAPI/"\n', "endpoint is not a valid address (Invalid IPv6 URL)"),
    ('[lrs]\nendpoint = "http://lrs.example.com:99999/"\n', "endpoint is not a valid address (Port out of range"),
])
def test_bad_settings_say_where_and_what(tmp_path, text, expected):
    config = _write(tmp_path / "config.toml", text)
    settings = load_settings({}, config)
    assert not settings.configured
    assert any(expected in problem and str(config) in problem for problem in settings.problems), settings.problems


def test_an_unknown_setting_is_named_with_a_suggestion(tmp_path):
    config = _write(tmp_path / "config.toml", '[lrs]\nendpont = "https://x.example.com/"\n')
    assert load_settings({}, config).notes == (f"{config}: unknown setting lrs.endpont ignored; did you mean 'endpoint'?",)


def test_a_secret_others_can_read_gets_a_note(tmp_path):
    config = _write(tmp_path / "config.toml", f'[lrs]\nsecret = "{SECRET}"\n', mode=0o644)
    notes = load_settings({}, config).notes
    assert len(notes) == 1 and "other users can read it" in notes[0] and SECRET not in notes[0]
    os.chmod(config, 0o600)
    assert load_settings({}, config).notes == ()


def test_the_secret_is_never_in_a_repr_a_description_or_a_scrubbed_message():
    settings = LrsSettings(endpoint="https://x.example.com/xAPI/", key="desk", secret=SECRET,
                           sources={"secret": "$CUSTOMER_SIM_LRS_SECRET"})
    token = base64.b64encode(f"desk:{SECRET}".encode()).decode()
    assert SECRET not in repr(settings)
    assert "secret: set (from $CUSTOMER_SIM_LRS_SECRET)" in settings.describe()
    assert all(SECRET not in line for line in settings.describe())
    scrubbed = settings.scrub(f"refused {SECRET} / Authorization: Basic {token}")
    assert SECRET not in scrubbed and token not in scrubbed and scrubbed.count("***") == 2


def test_a_short_secret_is_hidden_without_garbling_the_words_around_it():
    """A one-letter secret replaced everywhere turned 'the store answered' into 'the ***tore an***wered'."""
    settings = LrsSettings(endpoint="https://x.example.com/xAPI/", key="k", secret="s")
    token = base64.b64encode(b"k:s").decode()
    assert settings.scrub(f"the store answered 401 for s (Basic {token})") == "the store answered 401 for *** (Basic ***)"


def test_lrs_commands_never_print_the_secret(tmp_path, monkeypatch, capsys):
    from lrs_fixtures import closed_port_endpoint

    monkeypatch.setenv("CUSTOMER_SIM_LRS_ENDPOINT", closed_port_endpoint())
    monkeypatch.setenv("CUSTOMER_SIM_LRS_KEY", "desk")
    monkeypatch.setenv("CUSTOMER_SIM_LRS_SECRET", SECRET)
    monkeypatch.setenv("CUSTOMER_SIM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path / "data"))
    codes = [main(["lrs", "check"]), main(["lrs", "status"]), main(["lrs", "status", "--format", "json"]),
             main(["sync"])]
    out, err = capsys.readouterr()
    assert codes == [1, 0, 0, 0]  # store down: check fails; nothing queued, so sync has nothing unsent
    assert "does not answer" in out and SECRET not in out + err


@pytest.mark.parametrize("command", [["lrs", "status"], ["doctor"]])
def test_a_config_file_that_is_not_toml_is_named_by_status_and_doctor(tmp_path, monkeypatch, capsys, command):
    # both said only "not configured" / "settings none": the broken file stayed invisible
    for name in ("ENDPOINT", "KEY", "SECRET"):
        monkeypatch.delenv(f"CUSTOMER_SIM_LRS_{name}", raising=False)
    config = _write(tmp_path / "config.toml", "[lrs]\nendpoint = https://x.example.com/\n")
    monkeypatch.setenv("CUSTOMER_SIM_CONFIG", str(config))
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path / "data"))
    main(command)
    out = capsys.readouterr().out
    assert f"{config}:2:12: not valid TOML" in out


def test_sync_without_settings_says_what_to_set_and_fails(tmp_path, monkeypatch, capsys):
    for name in ("ENDPOINT", "KEY", "SECRET"):
        monkeypatch.delenv(f"CUSTOMER_SIM_LRS_{name}", raising=False)
    monkeypatch.setenv("CUSTOMER_SIM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(tmp_path / "data"))
    assert main(["sync"]) == 1
    err = capsys.readouterr().err
    assert "no LRS configured: set endpoint ($CUSTOMER_SIM_LRS_ENDPOINT" in err


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    sender = Sender(Path("unused.sqlite3"), LrsSettings(), rng=random.Random(7), backoff_base=1.0, backoff_cap=60.0)
    for failures in range(1, 12):
        ceiling = min(60.0, 2.0 ** (failures - 1))
        delays = {sender.backoff(failures) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered: desktops that failed together do not retry together
    assert sender.backoff(1, retry_after=30.0) == 30.0  # the store's Retry-After is respected


def test_a_turn_does_not_cut_the_backoff_short_but_stop_does(tmp_path, scenario, catalog):
    import time

    from lrs_fixtures import closed_port_endpoint, lrs_settings_for, wait_until
    from records_helpers import GOOD, record_play
    from simulator.records import outbox
    from simulator.records.store import open_store

    with open_store(tmp_path / "data") as store:
        record_play(store, scenario, catalog, GOOD)
        settings = lrs_settings_for(closed_port_endpoint(), "desk", SECRET)
        sender = Sender(store.path, settings, backoff_base=3600.0, backoff_cap=3600.0).start()
        wait_until(lambda: sender.passes == 1, what="the first (failed) pass")
        assert sender.last_answer.kind == "away" and sender.failures == 1
        for _ in range(5):
            sender.wake()  # the trainee keeps playing while the store is down
        time.sleep(0.3)
        assert sender.passes == 1  # still backing off: no request per turn
        assert sender.stop(timeout=10)  # … yet exit never waits out the hour
        assert outbox.counts(store.connection)["queued"] == len(GOOD) + 1
        notes = outbox.notes(store.connection)
        assert "did not answer" in notes["last_error"][0] and SECRET not in notes["last_error"][0]
