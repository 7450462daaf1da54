"""WSGI entry point: gunicorn wsgi:app"""

from advocacy import create_app

app = create_app()
