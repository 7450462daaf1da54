"""advocacy: help people write to and call their members of Congress about Artsakh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

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
    from . import config

    if test_config is None:
        config.load(app.config)
    else:
        app.config.from_object(config.Defaults)
        app.config.update(test_config)

    config.validate(app.config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config))
    if app.config["HSTS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from . import cli, errors, models, security, services, views  # noqa: F401  (models: the tables)
    from .extensions import StatementWatchdog, csrf, db, limiter, login_manager, migrate

    if app.config["PROXY_COUNT"]:
        app.wsgi_app = security.ForwardedByTrustedProxies(  # type: ignore[method-assign]
            app.wsgi_app, int(app.config["PROXY_COUNT"]), app.config["TRUSTED_PROXIES"]
        )
    security.init_app(app)
    db.init_app(app)
    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        with app.app_context():  # the server's own timeout, then a second's grace
            StatementWatchdog(float(app.config["DATABASE_TIMEOUT_SECONDS"]) + 1).watch(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    services.init_app(app)
    views.register_blueprints(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
