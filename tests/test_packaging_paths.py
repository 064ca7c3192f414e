"""One place finds the shipped content: package data first, else the checkout; and the
commands fail honestly (message, exit 1, no traceback) when it is missing or unusable."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from simulator import paths
from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_a_checkout_reads_the_content_where_it_is_edited():
    assert paths.shipped_dir() == ROOT
    assert paths.is_checkout()
    assert paths.DATA_DIR == paths.shipped_data_dir() == ROOT / "scenarios" / "data"
    assert paths.ASSETS_DIR == paths.assets_dir() == ROOT / "assets"
    assert paths.template_path("starter.yaml").is_file()


def test_package_data_wins_over_a_checkout(tmp_path, monkeypatch):
    package = tmp_path / "site" / "simulator"
    (package / paths.SHIPPED_PACKAGE_DIR / "scenarios" / "data").mkdir(parents=True)
    (tmp_path / "site" / "scenarios" / "data").mkdir(parents=True)  # a stray checkout beside it
    (tmp_path / "site" / "assets").mkdir()
    monkeypatch.setattr(paths, "_package_dir", lambda: package)
    paths._find_shipped.cache_clear()
    try:
        assert paths.shipped_dir() == package / paths.SHIPPED_PACKAGE_DIR
        assert not paths.is_checkout()
    finally:
        paths._find_shipped.cache_clear()


def test_missing_content_is_a_clear_error_naming_both_places(tmp_path, monkeypatch, capsys):
    package = tmp_path / "simulator"
    package.mkdir()
    monkeypatch.setattr(paths, "_package_dir", lambda: package)
    paths._find_shipped.cache_clear()
    try:
        with pytest.raises(paths.ContentMissing, match="reinstall"):
            paths.shipped_dir()
        assert main(["play", "--screenshot", str(tmp_path / "x.png")]) == 1
        err = capsys.readouterr().err
        assert "shipped scenarios are missing" in err and str(package) in err
        assert main(["doctor"]) == 1
    finally:
        paths._find_shipped.cache_clear()


def test_play_refuses_unusable_shared_data_files(tmp_path, monkeypatch, capsys):
    shipped = tmp_path / "shipped"
    shutil.copytree(ROOT / "scenarios", shipped / "scenarios")
    (shipped / "scenarios" / "data" / "acts.yaml").write_text("acts: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(paths, "_find_shipped", lambda: shipped)
    assert main(["play", "--screenshot", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "cannot be used" in err and re.search(r"acts\.yaml:\d+:\d+: error\[S\d{3}\]", err)
    assert not (tmp_path / "x.png").exists()


def test_nothing_outside_paths_py_computes_content_folders():
    offenders = []
    for file in (ROOT / "simulator").rglob("*.py"):
        if file.name == "paths.py":
            continue
        text = file.read_text(encoding="utf-8")
        if re.search(r'__file__\)?[^\n]*\b(parent|parents)\b[^\n]*("scenarios"|"assets"|"templates")', text):
            offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []
