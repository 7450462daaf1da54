"""Blueprints, one per audience."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from ..directory import HAS_SENATORS, STATES, house_title, seat_label
    from . import api, citizen, meta, organizer

    app.jinja_env.globals.update(
        states=STATES, has_senators=HAS_SENATORS, seat_label=seat_label, house_title=house_title
    )

    app.register_blueprint(citizen.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(meta.bp)
    app.register_blueprint(organizer.bp)
