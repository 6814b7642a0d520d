"""The framework floor for bench/pages.py: a bare Flask app answering each path with
bytes captured from the real app, straight from memory."""

import json
import os

from flask import Flask, Response, request

with open(os.environ["FLOOR_PAGES"]) as handle:
    PAGES = {
        path: (bytes.fromhex(page["body"]), page["headers"])
        for path, page in json.load(handle).items()
    }

app = Flask(__name__)


@app.get("/<path:path>")
@app.get("/", defaults={"path": ""})
def page(path: str) -> Response:
    body, headers = PAGES["/" + path if request.path != "/" else "/"]
    return Response(body, headers=headers)
