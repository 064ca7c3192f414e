"""The records layer is engine-side: it never imports pygame, and its commands start cheap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["simulator.records." + p.stem for p in (ROOT / "simulator" / "records").glob("*.py")
           if p.stem != "__init__"]


def test_no_records_module_imports_pygame():
    code = ("import sys, importlib\n"
            f"for name in {MODULES!r}: importlib.import_module(name)\n"
            "import simulator.cli.export_cmd, simulator.cli.report_cmd\n"
            "bad = sorted(m for m in sys.modules if m == 'pygame' or m.startswith('pygame.'))\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert len(MODULES) >= 10


def test_the_command_modules_import_nothing_heavy():
    code = ("import sys\n"
            "import simulator.cli.export_cmd, simulator.cli.report_cmd\n"
            "print(sorted(m for m in ('numpy', 'yaml', 'sqlite3', 'simulator.records.store') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
