"""Health checks and other pages about the service itself."""

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify

from .. import services
from ..extensions import db, limiter

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """Each part the site needs, and 503 when one is down, so a load balancer or a person
    sees the truth; the checks are bounded by the same timeouts as the pages."""
    parts: dict[str, str] = {}
    body: dict[str, object] = {}
    release = services.lookup().releases.current()
    if release is None:
        parts["data"] = "missing"
        body["fix"] = "flask --app wsgi directory sync"
    else:
        parts["data"] = "ok"
        body.update(as_of=release.as_of.isoformat(), members=len(release.directory.members))
    try:
        db.session.execute(sa.select(1))
        parts["database"] = "ok"
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("Health check: database %s", exc.__class__.__name__)
        parts["database"] = "down"
    # When Redis is down the limits go on in each worker's memory: working, but not shared.
    parts["limits"] = "ok" if limiter.storage.check() else "down"
    healthy = all(value == "ok" for value in parts.values())
    status = "ok" if healthy else ("no-data" if parts["data"] == "missing" else "down")
    return jsonify(status=status, parts=parts, **body), 200 if healthy else 503


@bp.get("/healthz/live")
@limiter.exempt
def live() -> Response:
    """The process answers (for a supervisor that restarts it): nothing else is checked."""
    return jsonify(status="alive")
