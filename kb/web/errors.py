"""Errors: JSON with one body shape under /api/ and /agent/api/, a page everywhere else."""

from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

JSON_PREFIXES = ("/api/", "/agent/api/")
PAGE_TITLES = {404: "페이지를 찾을 수 없습니다", 400: "요청을 처리할 수 없습니다"}


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def json_error(status: int, message: str):
    """The one error body of the JSON APIs: ``{"error": message, "status": status}``."""
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if wants_json():
        return json_error(status, error.description if status == 400 else error.name.lower())
    if status in PAGE_TITLES:
        message = error.description if status == 400 else None
        return render_template("error.html", title=PAGE_TITLES[status], message=message), status
    return error


def init_app(app) -> None:
    # Also the 500 Flask makes of an unexpected exception (after logging its traceback).
    app.register_error_handler(HTTPException, handle_http_error)
