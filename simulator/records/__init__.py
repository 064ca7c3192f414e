"""Trainee records: attempt history in SQLite, progress, re-scoring, exports and reports.

Engine-side: nothing here imports pygame. Where to start:

* `game_bridge`   the game's entry points: `open_store`, `resume_offer` / `resume` /
                  `decline`, `RecordingSession` (a Session that saves every turn),
                  `saving_status`, `load_progress`
* `profile_store` the UI's ProfileStore protocol backed by the same database
* `store`         `open_store(path)` -> `Store`: attempts, profiles, settings, grades
* `progress`      best/latest grade per scenario, skill trends, the skill to focus on next
* `rescore`       an old attempt's score under today's scenario and rules (by replay)
* `exports`, `xapi`              CSV / JSON / xAPI files (`customer-sim export`; the tests check
                  the statements with tests/records/xapi_check.py)
* `report`, `report_html`           team summary from exports (`customer-sim report`)
* `outbox`        xAPI statements queued with each turn for the team's LRS
* `lrs_settings`, `lrs_client`, `lrs_sender`, `lrs_report`   the LRS: settings (env, then
                  config.toml), HTTP (httpx), the background sender, `report --lrs`
* `schema`, `opening`, `dbfile`, `location`, `serialize`, `attempt`   the machinery

Data folder: `--data-dir`, else $CUSTOMER_SIM_DATA_DIR, else the platform user data folder
(`location.data_dir`); the database is `records.sqlite3` inside it.
"""
