"""Trainee records: attempt history in SQLite, progress, re-scoring, exports and reports.

Engine-side: nothing here imports pygame. Where to start:

* `game_bridge`   the game's entry points: `open_store`, `resume_offer` / `resume` /
                  `decline`, `AttemptRecorder` (saves every turn a TurnFeed announces),
                  `saving_status`, `load_progress`
* `profile_store` the UI's ProfileStore protocol backed by the same database
* `store`         `open_store(path)` -> `Store`: attempts, profiles, settings, grades
* `progress`      best/latest grade per scenario, skill trends, the skill to focus on next
* `rescore`       an old attempt's score under today's scenario and rules (by replay)
* `exports`, `xapi`              CSV / JSON / xAPI files (`customer-sim export`; the tests check
                  the statements with tests/records/xapi_check.py)
* `team_report`   the team report (`customer-sim report`): rows summarised per scenario
                  and trainee; its rows come from export files (`team_report_exports`) or
                  from the LRS (`team_report_lrs`, `report --lrs`), and `team_report_render`
                  draws it as text and HTML
* `outbox`        xAPI statements queued with each turn for the team's LRS
* `lrs_settings`, `lrs_client`, `lrs_sender`   the LRS: settings (env, then config.toml),
                  HTTP (httpx; `lrs_deadline` holds a whole exchange to one deadline), the
                  background sender
* `schema`, `opening`, `dbfile`, `location`, `serialize`, `attempt`   the machinery

Data folder: `--data-dir`, else $CUSTOMER_SIM_DATA_DIR, else the platform user data folder
(`location.data_dir`); the database is `records.sqlite3` inside it.
"""
