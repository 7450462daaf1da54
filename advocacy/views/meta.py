"""Health check and other pages about the service itself."""

from flask import Blueprint, jsonify

from .. import services
from ..extensions import limiter

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    directory = services.lookup().store.get()
    if directory is None:
        return jsonify(status="no-data", fix="flask --app wsgi directory sync"), 503
    return jsonify(status="ok", as_of=directory.as_of.isoformat(), members=len(directory.members))
