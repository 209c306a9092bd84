"""Sync's own files (state.json, sync.yaml, vdirsyncer.conf) go through the safe writer, checked against
the database the sync is for (the core's, or the one `sync init` names), not whatever the process has open:
`sync init` opens no database at all."""

from __future__ import annotations

import pytest

from relterm.errors import InputError
from relterm.sync import Settings, SyncPaths, run_sync, setup
from relterm.sync.state import AGENDA_DAYS, agenda_days_ok


def test_a_state_file_pointing_at_the_syncs_database_is_refused(core, tmp_path):
    paths = SyncPaths.for_database(core.db_path, tmp_path / "config")
    setup(paths, "http://127.0.0.1:9/unused/", database=core.db_path)
    paths.state_file.symlink_to(f"{core.db_path}-journal")  # reads as no state yet; the save is refused
    core.add_contact("Ann Lee")
    before = core.db_path.read_bytes()
    with pytest.raises(InputError, match="the database itself"):
        run_sync(core, paths, Settings(), use_vdirsyncer=False)
    assert core.db_path.read_bytes() == before
    assert paths.state_file.is_symlink()


def test_sync_init_refuses_a_settings_file_that_is_the_database(run_cli, tmp_path):
    db = tmp_path / "relterm.db"
    assert run_cli("add", "Ann Lee").code == 0
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "sync.yaml").symlink_to(db)
    before = db.read_bytes()
    result = run_cli("sync", "init", "--url", "http://127.0.0.1:9/x/")
    assert result.code == 2 and "Traceback" not in result.err
    assert "the database itself" in result.err and len(result.err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_the_agenda_window_has_one_set_of_bounds(core, tmp_path, run_cli):
    low, high = AGENDA_DAYS
    assert agenda_days_ok(low) and agenda_days_ok(high)
    assert not agenda_days_ok(high + 1) and not agenda_days_ok(low - 1) and not agenda_days_ok(True)
    paths = SyncPaths.for_database(core.db_path, tmp_path / "config")
    with pytest.raises(InputError, match=f"from {low} to {high}"):
        setup(paths, "http://127.0.0.1:9/unused/", agenda_days=high + 1)
    result = run_cli("sync", "init", "--url", "http://127.0.0.1:9/x/", "--agenda-days", str(high + 1))
    assert result.code == 2 and f"{low}<=x<={high}" in result.err
