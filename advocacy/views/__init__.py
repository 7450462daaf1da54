"""Blueprints, one per audience."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import api, citizen, meta

    app.register_blueprint(citizen.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(meta.bp)
