"""The framework floor: a bare Flask endpoint returning fixed bytes (bench_framework.py)."""

import os

from flask import Flask

with open(os.environ["BENCH_BODY_FILE"], "rb") as body:
    BODY = body.read()


def create_app():
    app = Flask(__name__)

    @app.get("/api/v1/me")
    def me():
        return app.response_class(BODY, mimetype="application/json")

    return app
