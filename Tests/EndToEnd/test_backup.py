"""Backups and upgrades end to end: `berthd backup` copies a live database while operations are
written, the copy restores, existing files are never replaced by accident, and a daemon refuses a
database it cannot trust (not a database, written by a newer berthd) without touching it."""

import sqlite3
import stat
import subprocess
import threading
import time

import pytest

SUBMIT = "/1.0/testing/operations"


def backup(binary, state_dir, destination, *extra):
    return subprocess.run(
        [str(binary), "backup", "--state-dir", str(state_dir), "--to", str(destination), *extra],
        capture_output=True, text=True, timeout=60,
    )


def final_operations(path):
    """{id: status_code} of every final operation in the database file at `path`, opened read-only."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return dict(db.execute("SELECT id, status_code FROM operations WHERE status_code IN (200, 400, 401)"))
    finally:
        db.close()


class Submitter(threading.Thread):
    """Submits test.noop operations back to back and records each one once it is final."""

    def __init__(self, daemon):
        super().__init__(daemon=True)
        self.target_daemon = daemon
        self.final = []
        self.lock = threading.Lock()
        self.halt = threading.Event()
        self.error = None

    def run(self):
        try:
            while not self.halt.is_set():
                response = self.target_daemon.request(
                    "POST", SUBMIT + "?wait=10", body={"type": "test.noop", "queue": f"q{len(self.final) % 4}"}
                )
                metadata = response.json["metadata"]
                assert metadata["status"] == "Success", response.json
                with self.lock:
                    self.final.append(metadata["id"])
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error

    def snapshot(self):
        with self.lock:
            return list(self.final)

    def stop(self):
        self.halt.set()
        self.join(timeout=30)
        assert not self.is_alive()
        if self.error:
            raise self.error


def test_a_backup_taken_during_a_stream_of_operations_is_consistent_and_restores(
    testing_daemon_factory, berthd_binary, tmp_path
):
    daemon = testing_daemon_factory()
    submitter = Submitter(daemon)
    submitter.start()
    try:
        deadline = time.monotonic() + 30
        while len(submitter.snapshot()) < 100:
            assert time.monotonic() < deadline and submitter.error is None, submitter.error
            time.sleep(0.05)
        copies = []
        for round in range(3):
            final_before = submitter.snapshot()
            destination = tmp_path / f"berth-{round}.db"
            result = backup(berthd_binary, daemon.state_dir, destination)
            assert result.returncode == 0, result.stderr
            assert result.stdout.startswith(f"backed up {daemon.state_dir}/berth.db (schema version ")
            copies.append((final_before, destination))
        still_running = len(submitter.snapshot())
    finally:
        submitter.stop()
    assert still_running > len(copies[0][0]), "operations kept completing while the backups ran"

    for final_before, destination in copies:
        # One self-contained file for its owner only: no -wal, no leftover .tmp.
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(destination.name)) == [destination.name]
        assert stat.S_IMODE(destination.stat().st_mode) == 0o600
        operations = final_operations(destination)
        missing = [op for op in final_before if operations.get(op) != 200]
        assert not missing, f"{len(missing)} operations final before the backup are not in it"

    # The copy is a database berthd runs on: every operation is served again.
    restored = testing_daemon_factory()
    restored.stop()
    for leftover in restored.state_dir.glob("berth.db*"):
        leftover.unlink()
    final_before, destination = copies[-1]
    (restored.state_dir / "berth.db").write_bytes(destination.read_bytes())
    restored.start()
    listed = restored.request("GET", "/1.0/operations").json["metadata"]["success"]
    assert {f"/1.0/operations/{op}" for op in final_before} <= set(listed)


def test_backup_never_replaces_a_file_unless_forced(berthd, berthd_binary, tmp_path):
    destination = tmp_path / "berth.db.backup"
    destination.write_bytes(b"an older backup")
    refused = backup(berthd_binary, berthd.state_dir, destination)
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"berthd backup: {destination} exists; use --force to replace it"
    assert destination.read_bytes() == b"an older backup"

    forced = backup(berthd_binary, berthd.state_dir, destination, "--force")
    assert forced.returncode == 0, forced.stderr
    assert final_operations(destination) == {}

    missing = backup(berthd_binary, tmp_path / "nowhere", tmp_path / "x.db")
    assert missing.returncode == 1
    assert "no database to back up" in missing.stderr
    assert not (tmp_path / "x.db").exists()


def start_on(binary, state_dir):
    """Runs berthd on `state_dir`, expecting it to refuse to start; returns the finished process."""
    return subprocess.run(
        [str(binary), "--state-dir", str(state_dir)], capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    "contents",
    [b"not a database at all\n" * 200, b"SQLite format 3\x00" + b"\xff" * 8176],
    ids=["text", "garbage-after-header"],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(berthd_binary, tmp_path, contents):
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "berth.db").write_bytes(contents)
    result = start_on(berthd_binary, state_dir)
    assert result.returncode == 1
    assert f"{state_dir}/berth.db is not a usable berth database" in result.stderr
    assert "restore a backup made with berthd backup" in result.stderr
    assert (state_dir / "berth.db").read_bytes() == contents
    assert not list(state_dir.glob("*.bak"))


def test_a_database_from_a_newer_berthd_is_refused_and_left_untouched(berthd_binary, tmp_path):
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    path = state_dir / "berth.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE future (x)")
    db.execute("PRAGMA user_version = 9999")
    db.close()  # checkpointed: all of it is in berth.db itself
    before = path.read_bytes()
    result = start_on(berthd_binary, state_dir)
    assert result.returncode == 1
    assert "has schema version 9999 but this berthd supports up to" in result.stderr
    assert "refusing to start" in result.stderr
    assert path.read_bytes() == before
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (9999,)
        assert [name for (name,) in db.execute("SELECT name FROM sqlite_schema")] == ["future"]
    finally:
        db.close()
