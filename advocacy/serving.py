"""gunicorn's settings for the shipped run command: gunicorn -c python:advocacy.serving wsgi:app

Rate limits kept in memory are per process, so with them the site runs one worker (its
threads serve in parallel while requests wait on the network); with shared limits (Redis)
it runs WORKERS processes. Either way every documented budget holds exactly."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from advocacy.config import load as _load  # not "config": gunicorn reads that name

# The app's settings, read as create_app() reads them (the app itself is built in each worker).
_config = Flask("advocacy", instance_relative_config=True).config
_load(_config)
_shared_limits = not str(_config["RATELIMIT_STORAGE_URI"]).startswith("memory")
_asked = int(os.environ.get("WORKERS", "2" if _shared_limits else "1"))
if _asked > 1 and not _shared_limits:
    raise SystemExit(
        f"WORKERS={_asked} would give each worker its own rate limits: set "
        "ADVOCACY_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 for several workers."
    )

workers = _asked
threads = int(os.environ.get("THREADS", "8" if _shared_limits else "16"))
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
_largest = int(_config["MAX_CONTENT_LENGTH"])


def pre_request(worker: Any, req: Any) -> None:
    """Close the connection after a request whose body the app may leave unread (one over
    the size limit answered 413, a chunked one that may be malformed), rather than answer
    "keep-alive" and then drop it while the rest of the body is still coming."""
    headers = dict(req.headers)
    length = headers.get("CONTENT-LENGTH", "0")
    if "TRANSFER-ENCODING" in headers or not length.isdigit() or int(length) > _largest:
        req.must_close = True
