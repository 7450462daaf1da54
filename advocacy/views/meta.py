"""Health check and other pages about the service itself."""

from flask import Blueprint, jsonify

from .. import services
from ..extensions import limiter

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    release = services.lookup().releases.current()
    if release is None:
        return jsonify(status="no-data", fix="flask --app wsgi directory sync"), 503
    members = len(release.directory.members)
    return jsonify(status="ok", as_of=release.as_of.isoformat(), members=members)
