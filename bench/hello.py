"""The reference of bench/load.py: Flask's hello world, served with the same gunicorn flags."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
