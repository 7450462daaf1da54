"""The synced data as one typed release: the member directory and the ZIP table of one sync.

A release is named by a hash of its files, so two app instances that downloaded the same data
name it alike, and a call-mode visit can keep the release it started on."""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import directory
from .directory import Directory
from .districts import ZipTable

MANIFEST = "manifest.json"
ZIP_FILE = "zccd.csv"
FILES = (*directory.FILES, ZIP_FILE)


@dataclass(frozen=True)
class Release:
    id: str
    directory: Directory
    zip_table: ZipTable

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


@functools.lru_cache(maxsize=2)
def load(folder: Path) -> Release:
    """Read a release folder. Folders never change once synced, so a process keeps the last
    two it read: the current one and the one a visit started on (and tests share one)."""
    manifest = read_manifest(folder)
    built = directory.build(directory.read_folder(folder), date.fromisoformat(manifest["as_of"]))
    zips = ZipTable.from_file(folder / ZIP_FILE)
    return Release(id=str(manifest.get("id") or folder.name), directory=built, zip_table=zips)


class ReleaseStore:
    """The current release of a data folder; a sync that swaps in a new one is picked up on
    the next request. Older releases still on disk can be asked for by id."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._loaded_from: Path | None = None
        self._current: Release | None = None

    def _target(self) -> Path | None:
        try:
            return (self.data_dir / "current").resolve(strict=True)
        except OSError:
            return None

    def current(self) -> Release | None:
        """The current release, or None when no data has been synced yet."""
        target = self._target()
        if target is None:
            return None
        if target != self._loaded_from:
            with self._lock:
                if target != self._loaded_from:
                    self._current = load(target)
                    self._loaded_from = target
        return self._current

    def get(self, release_id: str) -> Release | None:
        """The release with this id if this instance has it (the current one, or one kept
        on disk); None otherwise."""
        current = self.current()
        if current is None or current.id == release_id:
            return current
        for folder in sorted((self.data_dir / "releases").glob("[0-9]*"), reverse=True):
            try:
                manifest = read_manifest(folder)
            except directory.DirectoryInvalid:
                continue
            if manifest.get("id") == release_id:
                return load(folder.resolve())
        return None
