"""Where trainee records live on disk.

Order of precedence: an explicit path (the `--data-dir` flag), then the environment variable
`CUSTOMER_SIM_DATA_DIR` (tests, shared computers, a USB stick), then the platform's user
data folder from platformdirs (e.g. ~/.local/share/customer-sim on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CUSTOMER_SIM_DATA_DIR"
APP_NAME = "customer-sim"
DB_FILENAME = "records.sqlite3"
# A path ending in one of these names the database file itself rather than its folder.
DB_SUFFIXES = (".sqlite3", ".sqlite", ".db")


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The folder for trainee records: explicit path, else $CUSTOMER_SIM_DATA_DIR, else the
    platform user data folder. Nothing is created here."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs  # imported late: only needed when no override is given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(path: str | os.PathLike | None = None) -> Path:
    """The database file for `path`: a folder gets `records.sqlite3` inside it; a path that
    ends in .sqlite3/.sqlite/.db, or an existing file, is taken as the file itself."""
    if path is not None and str(path).lower().endswith(DB_SUFFIXES):
        return Path(path).expanduser()
    if path is not None and Path(path).expanduser().is_file():  # e.g. a moved-aside records.sqlite3.corrupt-…
        return Path(path).expanduser()
    return data_dir(path) / DB_FILENAME


def own_scenarios_dir(explicit: str | os.PathLike | None) -> Path | None:
    """The user's scenario folder that goes with `--data-dir explicit` (records and own
    scenarios together: explicit/scenarios); None when no folder is given or it names the
    database file itself, so the usual user folder stands. `play` lists it, `doctor` names it."""
    if not explicit or str(explicit).lower().endswith(DB_SUFFIXES):
        return None
    return Path(explicit).expanduser() / "scenarios"
