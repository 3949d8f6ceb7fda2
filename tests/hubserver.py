"""A real loopback HTTP server that answers like the Hugging Face Hub's file endpoints.

``HEAD /{repo}/resolve/{revision}/{file}`` answers 302 with ``X-Repo-Commit``, ``X-Linked-Etag``
(the LFS sha256), ``X-Linked-Size`` and ``ETag``, and a ``Location`` on another host name of this
machine (``localhost`` vs ``127.0.0.1``), the way the Hub sends LFS files to its CDN;
``GET`` of that location serves the bytes with ``Range`` (206). ``GET /api/models/{repo}/revision/
{revision}`` gives the commit and the files. Select it with ``HF_ENDPOINT=server.endpoint``.

It counts the body bytes sent per GET, and can misbehave: ``drop_after`` (close the connection
after that many bytes of the next GET), ``stall_after`` (stop after that many bytes until
``go_on`` is set: a download caught mid-way, whatever the machine's speed), ``corrupt`` (serve
other bytes than the sha256 it announces), ``rate`` (bytes per second, for screenshots).

Manual use: ``python -m tests.hubserver --size 50000000 --rate 2000000`` prints its endpoint.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

COMMIT = "0123456789abcdef0123456789abcdef01234567"
CHUNK = 64 * 1024


@dataclass
class Served:
    """One GET of file bytes: the Range asked for and the body bytes actually sent."""

    path: str
    range: str | None
    sent: int = 0
    authorization: str | None = None


@dataclass
class FakeHub:
    """The server's state; use as a context manager (``with FakeHub() as hub``)."""

    files: dict[tuple[str, str], bytes] = field(default_factory=dict)
    drop_after: int | None = None
    """The next GET of file bytes closes the connection after this many bytes (once)."""
    corrupt: bool = False
    rate: float | None = None
    stall_after: int | None = None
    """The next GET of file bytes stops after this many bytes until ``go_on`` is set (once)."""
    go_on: threading.Event = field(default_factory=threading.Event)
    served: list[Served] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    head_authorizations: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, repo: str, name: str, data: bytes) -> str:
        """Serve ``data`` as ``repo``'s ``name``; its sha256."""
        self.files[(repo, name)] = data
        return hashlib.sha256(data).hexdigest()

    def by_sha(self, sha: str) -> bytes | None:
        return next((d for d in self.files.values() if hashlib.sha256(d).hexdigest() == sha), None)

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return None

        def do_HEAD(self) -> None:
            hub.heads.append(self.path)
            hub.head_authorizations.append(self.headers.get("Authorization"))
            self._resolve(body=False)

        def do_GET(self) -> None:
            if self.path.startswith("/api/models/"):
                self._revision_info()
            elif self.path.startswith("/cdn/"):
                self._bytes()
            else:
                self._resolve(body=True)

        def _resolve(self, body: bool) -> None:
            parts = unquote(self.path.split("?", 1)[0]).strip("/").split("/")
            if len(parts) < 5 or parts[2] != "resolve":
                return self._status(404, "Repository not found", "RepoNotFound")
            repo, name = "/".join(parts[:2]), "/".join(parts[4:])
            data = hub.files.get((repo, name))
            if data is None:
                return self._status(404, "Entry not found", "EntryNotFound")
            sha = hashlib.sha256(data).hexdigest()
            self.send_response(302)
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("X-Linked-Etag", f'"{sha}"')
            self.send_header("X-Linked-Size", str(len(data)))
            self.send_header("ETag", f'"{sha}"')
            self.send_header("Location", f"http://localhost:{hub.port}/cdn/{sha}?name={name}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _revision_info(self) -> None:
            repo = "/".join(self.path.split("?")[0].split("/")[3:5])
            names = [name for (r, name) in hub.files if r == repo]
            body = json.dumps(
                {"id": repo, "sha": COMMIT, "siblings": [{"rfilename": n} for n in names]}
            )
            self._send(200, body.encode(), "application/json")

        def _bytes(self) -> None:
            data = hub.by_sha(self.path.split("?")[0].rsplit("/", 1)[-1])
            if data is None:
                return self._status(404, "Not found", "NotFound")
            if hub.corrupt:
                data = bytes(b ^ 0xFF for b in data[:16]) + data[16:]
            asked = self.headers.get("Range")
            start = int(asked.split("=")[1].split("-")[0]) if asked else 0
            record = Served(self.path, asked, authorization=self.headers.get("Authorization"))
            hub.served.append(record)
            self.send_response(206 if asked else 200)
            if asked:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(data) - start))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            limit, hub.drop_after = hub.drop_after, None
            stall, hub.stall_after = hub.stall_after, None
            position = start
            try:
                while position < len(data):
                    if stall is not None and record.sent >= stall:
                        hub.go_on.wait(60)
                        stall = None
                    size = CHUNK if limit is None else min(CHUNK, limit - record.sent)
                    if stall is not None:
                        size = min(size, stall - record.sent)
                    if size <= 0:
                        break  # drop: close with the body unfinished
                    chunk = data[position : position + size]
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    record.sent += len(chunk)
                    position += len(chunk)
                    if hub.rate:
                        time.sleep(len(chunk) / hub.rate)
            except OSError:
                pass
            self.close_connection = True

        def _status(self, code: int, message: str, kind: str) -> None:
            self.send_response(code)
            self.send_header("X-Error-Code", kind)
            self.send_header("X-Error-Message", message)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, code: int, body: bytes, kind: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def fake_gguf(size: int, name: str = "Tiny Download") -> bytes:
    """``size`` bytes of a small well-formed GGUF file padded at the end (the models list reads
    its header)."""
    import tempfile
    from pathlib import Path

    from tests.core.engine.test_gguf_info import write_gguf

    with tempfile.TemporaryDirectory() as folder:
        head = write_gguf(Path(folder) / "m.gguf", name=name).read_bytes()
    pad = max(0, size - len(head))
    return head + (hashlib.sha256(b"pad").digest() * (pad // 32 + 1))[:pad]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=50_000_000)
    parser.add_argument("--rate", type=float, default=None, help="bytes per second")
    parser.add_argument("--repo", default="example/Model-GGUF")
    parser.add_argument("--file", default="model-Q4_K_M.gguf")
    args = parser.parse_args()
    with FakeHub(rate=args.rate) as hub:
        sha = hub.add(args.repo, args.file, fake_gguf(args.size))
        print(f"HF_ENDPOINT={hub.endpoint} {args.repo} {args.file} sha256 {sha}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
