"""advocacy: help people write to and call their members of Congress about Artsakh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import PROJECT_ROOT

__all__ = ["PROJECT_ROOT", "create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the application."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=True,
    )
    app.config.from_object("advocacy.config.Defaults")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("ADVOCACY")
    else:
        app.config.update(test_config)

    from . import config

    config.validate(app.config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config))
    if app.config["HSTS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from . import models  # noqa: F401  (registers the tables)
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from . import cli, errors, security, services, views

    services.init_app(app)
    views.register_blueprints(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    return app
