"""The synced data as one typed release: the member directory and the ZIP table of one sync.

A release is named by a hash of its files, so two app instances that downloaded the same data
name it alike, and a call-mode visit can keep the release it started on."""

from __future__ import annotations

import functools
import json
import os
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import directory
from .directory import Directory
from .districts import ZipTable, ZipTableInvalid

MANIFEST = "manifest.json"
ZIP_FILE = "zccd.csv"
FILES = (*directory.FILES, ZIP_FILE)


@dataclass(frozen=True)
class Release:
    id: str
    directory: Directory
    zip_table: ZipTable
    # Where its date comes from: "published" (the source's Last-Modified), "given" (by the
    # operator), "synced" (the day of the sync: the source gave none).
    as_of_source: str = "published"

    @property
    def as_of(self) -> date:
        return self.directory.as_of


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise directory.DirectoryInvalid(f"{MANIFEST} missing or unreadable") from exc
    if not isinstance(manifest, dict) or "as_of" not in manifest:
        raise directory.DirectoryInvalid(f"{MANIFEST} has no as_of date")
    return manifest


def release_id(manifest: dict[str, Any], folder: Path) -> str:
    """A release's id: the hash of its files, or its folder's name for one synced before
    releases had one."""
    return str(manifest.get("id") or folder.name)


@functools.lru_cache(maxsize=2)
def load(folder: Path) -> Release:
    """Read a release folder. A folder never changes once synced (its name holds its id), so
    a process keeps the last two it read: the current one and the one a visit began on (and
    tests share one)."""
    manifest = read_manifest(folder)
    built = directory.build(directory.read_folder(folder), date.fromisoformat(manifest["as_of"]))
    zips = ZipTable.from_file(folder / ZIP_FILE)
    source = str(manifest.get("as_of_source") or "published")
    return Release(release_id(manifest, folder), built, zips, source)


class ReleaseStore:
    """The current release of a data folder; a sync that swaps in a new one is picked up on
    the next request. Older releases still on disk can be asked for by id."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        # One thread loads a release while the others wait, rather than each loading it.
        self._lock = threading.Lock()
        self._link: str | None = None  # where `current` pointed when it was loaded
        self._current: Release | None = None

    def _target(self) -> Path | None:
        try:
            return (self.data_dir / "current").resolve(strict=True)
        except OSError:
            return None

    def current(self) -> Release | None:
        """The current release, or None when no data has been synced yet. Asked on every
        request: one readlink tells whether a sync swapped in another release."""
        try:
            link = os.readlink(self.data_dir / "current")
        except OSError:
            return None
        if link != self._link:
            with self._lock:
                if link != self._link:
                    target = self._target()
                    if target is None:
                        return None
                    self._current = load(target)
                    self._link = link
        return self._current

    def get(self, wanted: str) -> Release | None:
        """The release with this id if this instance has it (the current one, or one kept
        on disk); None otherwise."""
        current = self.current()
        if current is None or current.id == wanted:
            return current
        with self._lock:
            for folder in (self.data_dir / "releases").glob("[0-9]*"):
                try:
                    if release_id(read_manifest(folder), folder) == wanted:
                        return load(folder.resolve())
                except (directory.DirectoryInvalid, ZipTableInvalid, OSError):
                    continue  # pruned meanwhile, or never complete
        return None
