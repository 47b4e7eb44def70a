"""Schemathesis hooks for Tousu (scripts/api-fuzz.sh): every generated call is made by a user
signed in for it, so a call that ends the session (logout, a password change) does not turn
the rest of the run into 401s. The sign-ins come from 127.0.0.2: the fuzzed calls of
POST /auth/login fail by the hundred from 127.0.0.1, and the server rightly refuses that
client's sign-ins for a while (429)."""

import http.client
import io
import json
import os
import urllib.parse
import zipfile

import schemathesis

BASE = urllib.parse.urlsplit(os.environ["TOUSU_FUZZ_BASE"])
USER = os.environ["TOUSU_FUZZ_USER"]
PASSWORD = os.environ["TOUSU_FUZZ_PASSWORD"]


@schemathesis.auth(refresh_interval=None)
class SignedIn:
    """A fresh session for each call."""

    def get(self, case, ctx):
        conn = http.client.HTTPConnection(
            BASE.hostname, BASE.port, timeout=30, source_address=("127.0.0.2", 0)
        )
        body = json.dumps({"username": USER, "password": PASSWORD})
        conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
        answer = conn.getresponse()
        text = answer.read()
        conn.close()
        if answer.status != 200:
            raise RuntimeError(f"sign-in refused: {answer.status} {text[:200]!r}")
        return json.loads(text)["token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


CALLS = [0]


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """The public routes count complaints and lookups per client: each of their calls comes
    from another address (the server trusts 127.0.0.1 as its proxy in this run), so the
    generated complaints reach the intake, up to the limit of all clients together, instead
    of the fifth being refused."""
    if case.operation.path.startswith("/api/v1/public/"):
        CALLS[0] += 1
        n = CALLS[0]
        case.headers = case.headers or {}
        case.headers["X-Forwarded-For"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


@schemathesis.deserializer("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def workbook(ctx, response):
    """A workbook answer must be a workbook: a sound zip holding the workbook part and at
    least one sheet (its schema is empty: this is what checks it)."""
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        names = book.namelist()
        broken = book.testzip()
    if broken is not None:
        raise ValueError(f"the workbook's part {broken} is corrupt")
    if "xl/workbook.xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise ValueError(f"not a workbook: {names[:8]}")
    return {}


MAGIC = {
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/webp": [b"RIFF"],
    "application/pdf": [b"%PDF-"],
}


@schemathesis.deserializer(*MAGIC)
def attachment(ctx, response):
    """An attachment is served as what its bytes are (the server sniffs them on upload)."""
    media_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    if not any(response.content.startswith(m) for m in MAGIC.get(media_type, [])):
        raise ValueError(f"{media_type} answered with bytes that are not one")
    return {}
