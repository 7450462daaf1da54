"""Download the directory and the ZIP table, validate them, and swap them in atomically."""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests

from . import directory, districts, release
from .release import MANIFEST, ZIP_FILE

KEEP_RELEASES = 3
# An incoming-* folder older than this was left by a sync that was killed: pruning removes it.
STALE_INCOMING = timedelta(days=1)
TOO_SLOW = "the download was too slow: the sync ran out of time (SYNC_DEADLINE_SECONDS)"

# progress(file name, bytes so far, total bytes or None)
Progress = Callable[[str, int, int | None], None]


class SyncFailed(Exception):
    """The data could not be fetched or did not validate; the previous data stays in use."""


@dataclass(frozen=True)
class SyncReport:
    release: Path
    as_of: date
    as_of_source: str  # published, given or synced (see release.Release)
    senators: int
    representatives: int
    zip_codes: int


def _is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


def _fetch(
    url: str,
    dest: Path,
    session: requests.Session,
    timeout: float,
    deadline: float,
    progress: Progress,
) -> date | None:
    """Stream one file to dest by the deadline (time.monotonic()); return the day of its
    Last-Modified header, if any.

    The timeout bounds each read, not the download (a server that drips its headers or its
    body a byte a second never trips it), so the download runs in a thread that the sync
    leaves, its connection shut, at the deadline."""
    name = dest.name
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            with session.get(url, stream=True, timeout=timeout) as resp:
                box["resp"] = resp
                _stream(resp, url, dest, progress)
                box["modified"] = resp.headers.get("Last-Modified")
        except BaseException as exc:  # handed to the sync below
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"sync-{name}", daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), 0.0))
    if worker.is_alive():
        if "resp" in box:
            with contextlib.suppress(Exception):
                box["resp"].raw.shutdown()
        raise SyncFailed(f"{name}: {TOO_SLOW}")
    error = box.get("error")
    if isinstance(error, requests.RequestException):
        raise SyncFailed(f"{name}: could not download {url} ({error.__class__.__name__})")
    if error is not None:
        raise error
    if modified := box.get("modified"):
        try:
            return email.utils.parsedate_to_datetime(modified).date()
        except (TypeError, ValueError):
            return None
    return None


def _stream(resp: requests.Response, url: str, dest: Path, progress: Progress) -> int:
    """Write the response's body to dest; the number of bytes."""
    name = dest.name
    if resp.status_code != 200:
        raise SyncFailed(f"{name}: the server answered HTTP {resp.status_code} for {url}")
    total = resp.headers.get("Content-Length")
    done = 0
    with dest.open("wb") as fh:
        for chunk in resp.iter_content(64 * 1024):
            fh.write(chunk)
            done += len(chunk)
            progress(name, done, int(total) if total and total.isdigit() else None)
    if total and total.isdigit() and done != int(total):
        raise SyncFailed(f"{name}: the download stopped after {done} of {total} bytes")
    return done


def _copy(src: Path, dest: Path, progress: Progress) -> None:
    """A file of a local folder: its modification time says when it was copied there, not when
    its source published it, so it gives no date."""
    try:
        shutil.copyfile(src, dest)
    except OSError as exc:
        raise SyncFailed(f"{dest.name}: cannot read {src} ({exc.strerror})") from exc
    size = dest.stat().st_size
    progress(dest.name, size, size)


def _get(
    source: str,
    name: str,
    dest: Path,
    session: requests.Session,
    timeout: float,
    deadline: float,
    progress: Progress,
) -> date | None:
    if _is_url(source):
        url = source if source.endswith(name) else source.rstrip("/") + "/" + name
        return _fetch(url, dest, session, timeout, deadline, progress)
    path = Path(source)
    if path.is_dir():
        path = path / name
    _copy(path, dest, progress)
    return None


def sync(
    data_dir: Path,
    directory_source: str,
    zip_source: str,
    *,
    session: requests.Session | None = None,
    now: datetime,
    as_of: date | None = None,
    timeout: float = 60,
    deadline: float = 900,
    progress: Progress = lambda *_: None,
) -> SyncReport:
    """Fetch all files into a new release folder, validate, then point `current` at it. The
    data is dated `as_of` when the operator gives the date, else by the directory's
    Last-Modified header, else by the day of the sync (and said to be so). The downloads
    together get `deadline` seconds; `timeout` bounds each wait for a byte."""
    session = session or requests.Session()
    ends = time.monotonic() + deadline
    releases = data_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="incoming-", dir=releases))
    staging.chmod(0o755)  # mkdtemp makes it 0700; the web server may be another user
    try:
        dates = {}
        for name in directory.FILES:
            dates[name] = _get(
                directory_source, name, staging / name, session, timeout, ends, progress
            )
        _get(zip_source, ZIP_FILE, staging / ZIP_FILE, session, timeout, ends, progress)

        try:
            raw = directory.read_folder(staging)
            directory.validate(raw)
            zips = districts.ZipTable.from_file(staging / ZIP_FILE)
        except (directory.DirectoryInvalid, districts.ZipTableInvalid) as exc:
            raise SyncFailed(str(exc)) from exc
        published = dates[directory.LEGISLATORS]
        source = "given" if as_of else "published" if published else "synced"
        as_of = as_of or published or now.astimezone(UTC).date()
        built = directory.build(raw, as_of)
        manifest = {
            "id": _content_id(staging, f"{as_of.isoformat()} {source}"),
            "as_of": as_of.isoformat(),
            "as_of_source": source,
            "synced_at": now.astimezone(UTC).isoformat(timespec="seconds"),
            "source": directory_source,
            "zip_source": zip_source,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2))

        content = manifest["id"]
        folder = releases / f"{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{content}"
        if folder.exists():  # the same data at the same moment (a frozen clock): keep it
            shutil.rmtree(staging)
        else:
            staging.rename(folder)
        _point_current(data_dir, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(releases, keep=folder, now=now)
    return SyncReport(
        release=folder,
        as_of=as_of,
        as_of_source=source,
        senators=built.count("senate"),
        representatives=built.count("house"),
        zip_codes=len(zips),
    )


def _content_id(folder: Path, dated: str) -> str:
    """A release's id: a hash of its files and its date, the same wherever the same data was
    downloaded."""
    digest = hashlib.sha256(dated.encode() + b"\0")
    for name in release.FILES:
        digest.update(name.encode() + b"\0")
        with (folder / name).open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _point_current(data_dir: Path, release: Path) -> None:
    """Replace the `current` symlink in one rename, so readers never see a half state."""
    link = data_dir / "current"
    tmp = data_dir / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(Path("releases") / release.name)
    os.replace(tmp, link)


def _prune(releases: Path, keep: Path, now: datetime) -> None:
    """Delete all but the newest KEEP_RELEASES releases (by when they were written: names
    tie under a frozen clock), and what killed syncs left behind."""
    stale = (now - STALE_INCOMING).timestamp()
    for left in releases.glob("incoming-*"):
        if left.is_dir() and left.stat().st_mtime < stale:
            shutil.rmtree(left, ignore_errors=True)
    done = sorted(
        (p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("incoming")),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
    )
    for old in done[:-KEEP_RELEASES]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
