"""`flask directory sync`: download, validate, swap atomically; failures keep the old data."""

import json
import os
import shutil
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest

from advocacy import sync
from advocacy.release import ReleaseStore
from tests.fakes import _Server, file_server

NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)


@pytest.fixture
def broken_site(tmp_path, data_site):
    """A copy of the sources that a test may damage."""
    site = tmp_path / "broken"
    shutil.copytree(data_site, site)
    return site


def _sync_from(data_dir, site_url):
    return sync.sync(data_dir, f"{site_url}/congress-legislators/", f"{site_url}/zccd.csv", now=NOW)


def test_sync_over_http_reports_counts_and_date(tmp_path, data_server):
    seen = []
    report = sync.sync(
        tmp_path,
        f"{data_server.url}/congress-legislators/",
        f"{data_server.url}/zccd.csv",
        now=NOW,
        progress=lambda name, done, total: seen.append((name, done, total)),
    )
    assert (report.senators, report.representatives) == (100, 437)
    assert report.zip_codes > 33_000
    assert (tmp_path / "current" / "legislators-current.json").is_file()
    # Progress reached the end of every file.
    finished = {name for name, done, total in seen if done == total}
    assert finished == {*sync.directory.FILES, sync.ZIP_FILE}


def test_sync_from_a_local_folder(tmp_path, data_site):
    report = sync.sync(
        tmp_path / "d",
        str(data_site / "congress-legislators"),
        str(data_site / "zccd.csv"),
        now=NOW,
    )
    assert report.senators == 100
    # A copied file's time says when it was copied, not when its source published it: the
    # data is dated by the day of the sync, and says so.
    assert (report.as_of, report.as_of_source) == (NOW.date(), "synced")
    assert ReleaseStore(tmp_path / "d").current().as_of_source == "synced"


def test_sync_over_http_keeps_the_sources_date_and_an_operator_may_give_one(
    tmp_path, data_server, data_site, app_factory
):
    report = _sync_from(tmp_path / "web", data_server.url)
    assert (report.as_of.isoformat(), report.as_of_source) == ("2026-06-15", "published")
    app = app_factory(
        DATA_DIR=str(tmp_path / "given"),
        DIRECTORY_SOURCE=str(data_site / "congress-legislators"),
        ZIP_SOURCE=str(data_site / "zccd.csv"),
    )
    result = app.test_cli_runner().invoke(args=["directory", "sync", "--as-of", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert "data as of 2026-06-01 (as you gave it)" in result.output
    page = app.test_client().get("/district/WY/0").get_data(as_text=True)
    assert "Member data as of June 1, 2026;" in page
    app.test_cli_runner().invoke(args=["directory", "sync"])
    page = app.test_client().get("/district/WY/0").get_data(as_text=True)
    assert "Member data synced on November 25, 2026 (its source gave no date);" in page


def _damage(site, name, text):
    (site / "congress-legislators" / name).write_text(text)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda s: _damage(s, "legislators-current.json", "[{"), "legislators-current.json"),
        (lambda s: (s / "congress-legislators" / "committees-current.json").unlink(), "HTTP 404"),
        (lambda s: _damage(s, "legislators-current.json", "[]"), "not a list of members"),
        (lambda s: (s / "zccd.csv").write_text("a,b\n1,2\n"), "zccd.csv"),
    ],
    ids=["corrupt-json", "missing-file", "empty-list", "bad-zip-table"],
)
def test_failed_sync_keeps_previous_data(tmp_path, data_server, broken_site, damage, message):
    data_dir = tmp_path / "data"
    _sync_from(data_dir, data_server.url)
    before = (data_dir / "current").resolve()
    damage(broken_site)
    server = file_server(broken_site)
    try:
        with pytest.raises(sync.SyncFailed, match=message):
            _sync_from(data_dir, server.url)
    finally:
        server.stop()
    assert (data_dir / "current").resolve() == before
    assert ReleaseStore(data_dir).current() is not None
    # No half-written release is left behind.
    assert not [p for p in (data_dir / "releases").iterdir() if p.name.startswith("incoming")]


def test_sync_refuses_a_directory_with_missing_senators(tmp_path, broken_site):
    path = broken_site / "congress-legislators" / "legislators-current.json"
    members = json.loads(path.read_text())
    senator = next(m for m in members if m["terms"][-1]["type"] == "sen")
    members.remove(senator)
    path.write_text(json.dumps(members))
    with pytest.raises(sync.SyncFailed, match="99 senators"):
        sync.sync(tmp_path, str(path.parent), str(broken_site / "zccd.csv"), now=NOW)
    assert not (tmp_path / "current").exists()


def test_truncated_download_is_refused(tmp_path, data_site):
    class Truncating(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b'[{"id": ')

    server = _Server(("127.0.0.1", 0), Truncating).start()
    try:
        with pytest.raises(sync.SyncFailed, match="legislators-current.json"):
            sync.sync(tmp_path, server.url + "/", str(data_site / "zccd.csv"), now=NOW, timeout=5)
    finally:
        server.stop()


def test_unreachable_source_says_what_failed(tmp_path, data_site):
    server = file_server(data_site)
    url = server.url
    server.stop()
    with pytest.raises(sync.SyncFailed, match="could not download"):
        sync.sync(tmp_path, url + "/", str(data_site / "zccd.csv"), now=NOW, timeout=2)


def test_a_running_store_picks_up_a_new_sync(tmp_path, data_server, broken_site):
    data_dir = tmp_path / "data"
    _sync_from(data_dir, data_server.url)
    store = ReleaseStore(data_dir)
    first = store.current()
    assert first.directory.representative("TX", 37).name == "Lloyd Doggett"
    path = broken_site / "congress-legislators" / "legislators-current.json"
    members = json.loads(path.read_text())
    doggett = next(m for m in members if m["id"]["bioguide"] == "D000399")
    doggett["name"]["official_full"] = "Lloyd A. Doggett"
    path.write_text(json.dumps(members))
    server = file_server(broken_site)
    try:
        _sync_from(data_dir, server.url)
    finally:
        server.stop()
    assert store.current().directory.representative("TX", 37).name == "Lloyd A. Doggett"
    # A visit that began on the first release still finds it, by its id.
    assert store.current().id != first.id
    assert store.get(first.id).directory.representative("TX", 37).name == "Lloyd Doggett"
    assert store.get("0123456789abcdef") is None


def test_the_same_data_synced_twice_is_the_same_release(tmp_path, data_server):
    """Two app instances that downloaded the same files name their release alike, so a
    call-mode visit begun on one is understood by the other."""
    one, other = tmp_path / "one", tmp_path / "other"
    _sync_from(one, data_server.url)
    _sync_from(other, data_server.url)
    assert ReleaseStore(one).current().id == ReleaseStore(other).current().id


def test_cli_sync_shows_progress_and_result(app_factory, tmp_path, data_server):
    app = app_factory(
        DATA_DIR=str(tmp_path / "cli-data"),
        DIRECTORY_SOURCE=f"{data_server.url}/congress-legislators/",
        ZIP_SOURCE=f"{data_server.url}/zccd.csv",
    )
    result = app.test_cli_runner().invoke(args=["directory", "sync"])
    assert result.exit_code == 0, result.output
    assert "Synced: 100 senators, 437 House members" in result.output
    assert "legislators-current.json" in result.output  # progress lines


def test_cli_sync_failure_exits_nonzero_and_explains(app_factory, tmp_path, data_server):
    app = app_factory(
        DATA_DIR=str(tmp_path / "cli-data"),
        DIRECTORY_SOURCE=f"{data_server.url}/nowhere/",
        ZIP_SOURCE=f"{data_server.url}/zccd.csv",
    )
    result = app.test_cli_runner().invoke(args=["directory", "sync"])
    assert result.exit_code == 1
    assert "Sync failed, the previous data is kept" in result.output
    assert "HTTP 404" in result.output


def test_synced_data_is_readable_by_other_users(tmp_path, data_server):
    # cron may sync as one user while the web server runs as another.
    report = _sync_from(tmp_path, data_server.url)
    assert report.release.stat().st_mode & 0o755 == 0o755


def test_a_release_synced_before_releases_had_an_id_is_found_by_its_folder(tmp_path, data_server):
    data_dir = tmp_path / "data"
    first = _sync_from(data_dir, data_server.url).release
    manifest = json.loads((first / "manifest.json").read_text())
    del manifest["id"]  # as sync wrote it before
    (first / "manifest.json").write_text(json.dumps(manifest))
    old = ReleaseStore(data_dir).current()
    assert old.id == first.name
    later = NOW.replace(hour=16)
    sync.sync(
        data_dir, f"{data_server.url}/congress-legislators/", f"{data_server.url}/zccd.csv",
        now=later,
    )  # fmt: skip
    store = ReleaseStore(data_dir)
    assert store.current().id != old.id
    assert store.get(first.name).id == first.name
    shutil.rmtree(first)  # pruned since: the visit goes on with the current release
    assert store.get(first.name) is None


class _Dripping(BaseHTTPRequestHandler):
    """A byte every 0.1 s, of its headers or of its body: each read is quick, so no read
    timeout ever trips."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        if "headers" in self.path:
            head, body = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 600, b""
        else:
            head, body = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", b" " * 600
        try:
            self.wfile.write(head if body else b"")
            for byte in body or head:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass


@pytest.mark.parametrize("part", ["body", "headers"])
def test_a_dripping_source_ends_at_the_deadline_and_leaves_nothing_behind(
    tmp_path, data_site, part
):
    server = _Server(("127.0.0.1", 0), _Dripping).start()
    try:
        with pytest.raises(sync.SyncFailed, match="ran out of time"):
            sync.sync(
                tmp_path, f"{server.url}/{part}/", str(data_site / "zccd.csv"),
                now=NOW, timeout=5, deadline=1.5,
            )  # fmt: skip
    finally:
        server.stop()
    assert list((tmp_path / "releases").iterdir()) == []
    assert not (tmp_path / "current").exists()


def test_sync_removes_what_a_killed_sync_left_and_nothing_in_progress(tmp_path, data_server):
    releases = tmp_path / "releases"
    killed, running = releases / "incoming-killed", releases / "incoming-running"
    for folder in (killed, running):
        (folder / "part").mkdir(parents=True)
    a_day_before = (NOW - timedelta(days=1, minutes=1)).timestamp()
    os.utime(killed, (a_day_before, a_day_before))
    os.utime(running, (NOW.timestamp(), NOW.timestamp()))
    _sync_from(tmp_path, data_server.url)
    assert not killed.exists()
    assert running.exists()
