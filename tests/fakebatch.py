"""The OpenAI Batch API on the loopback server: ``/v1/files`` and ``/v1/batches``.

    batch_api = FakeBatchApi(server)          # adds its routes to a FakeOpenAIServer
    batch_api.fail_custom_ids = {"row-3"}      # that line goes to the error file
    batch_api.polls_to_finish = 2              # 'in_progress' for the first poll(s)

Each batch answers its lines with the server's ``reply`` (a line becomes a RecordedRequest of its
body, as if it had been posted to ``/v1/chat/completions``) once it is polled ``polls_to_finish``
times; the output and error files are then downloadable from ``/v1/files/{id}/content``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.fakeserver import FakeOpenAIServer, RecordedRequest, _Handler

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')


@dataclass
class FakeBatch:
    """One batch as the fake provider keeps it."""

    id: str
    input_file_id: str
    lines: list[dict[str, Any]]
    polls: int = 0
    status: str = "validating"
    output_file_id: str | None = None
    error_file_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


class FakeBatchApi:
    """Files and batches, in memory; installed as routes of ``server``."""

    def __init__(self, server: FakeOpenAIServer) -> None:
        self.server = server
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, FakeBatch] = {}
        self.fail_custom_ids: set[str] = set()
        self.polls_to_finish = 2
        self.final_status = "completed"
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        server.routes.append(self.route)

    def route(self, handler: _Handler, request: RecordedRequest) -> bool:
        path, method = request.path, request.method
        if method == "POST" and path == "/v1/files":
            handler._json(200, self._upload(request))
        elif method == "GET" and (match := re.fullmatch(r"/v1/files/([^/]+)/content", path)):
            data = self.files.get(match[1])
            if data is None:
                handler._json(404, {"error": {"message": "No such file", "type": "invalid"}})
            else:
                handler._send_body(200, data, "application/octet-stream", None)
        elif method == "POST" and path == "/v1/batches":
            handler._json(200, self._create(request.body))
        elif method == "GET" and (match := re.fullmatch(r"/v1/batches/([^/]+)", path)):
            handler._json(200, self._poll(match[1]))
        else:
            return False
        return True

    # -- endpoints ---------------------------------------------------------------------------------
    def _upload(self, request: RecordedRequest) -> dict[str, Any]:
        content = _multipart_file(request)
        file_id = f"file-{next(self._ids)}"
        with self._lock:
            self.files[file_id] = content
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": 0,
            "filename": "batch.jsonl",
            "purpose": "batch",
            "status": "processed",
        }

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        input_id = str(body["input_file_id"])
        lines = [json.loads(line) for line in self.files[input_id].decode().splitlines() if line]
        batch = FakeBatch(f"batch_{next(self._ids)}", input_id, lines, metadata=body["metadata"])
        with self._lock:
            self.batches[batch.id] = batch
        return self._describe(batch)

    def _poll(self, batch_id: str) -> dict[str, Any]:
        with self._lock:
            batch = self.batches[batch_id]
            batch.polls += 1
            if batch.status not in ("completed", "expired", "failed") and (
                batch.polls >= self.polls_to_finish
            ):
                self._finish(batch)
            elif batch.status == "validating":
                batch.status = "in_progress"
        return self._describe(batch)

    # -- results -----------------------------------------------------------------------------------
    def _finish(self, batch: FakeBatch) -> None:
        answers, errors = [], []
        for number, line in enumerate(batch.lines):
            cid = line["custom_id"]
            if cid in self.fail_custom_ids:
                response = {
                    "status_code": 400,
                    "request_id": f"req_{number}",
                    "body": {"error": {"message": "This line was refused.", "type": "invalid"}},
                }
                errors.append({"id": f"resp_{number}", "custom_id": cid, "response": response})
                continue
            recorded = RecordedRequest("POST", line["url"], {}, line["body"])
            text = self.server._text_for(recorded, 0)
            body = {
                "id": f"chatcmpl-{number}",
                "object": "chat.completion",
                "created": 0,
                "model": line["body"].get("model") or "fake-model",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }
            response = {"status_code": 200, "request_id": f"req_{number}", "body": body}
            answers.append({"id": f"resp_{number}", "custom_id": cid, "response": response})
        batch.status = self.final_status
        batch.output_file_id = self._store(answers)
        batch.error_file_id = self._store(errors) if errors else None

    def _store(self, lines: list[dict[str, Any]]) -> str:
        file_id = f"file-{next(self._ids)}"
        self.files[file_id] = "".join(json.dumps(line) + "\n" for line in lines).encode()
        return file_id

    def _describe(self, batch: FakeBatch) -> dict[str, Any]:
        total = len(batch.lines)
        ended = batch.status in ("completed", "expired")
        failed = len([line for line in batch.lines if line["custom_id"] in self.fail_custom_ids])
        done = (total - failed) if ended else min(total, batch.polls)
        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "errors": None,
            "input_file_id": batch.input_file_id,
            "completion_window": "24h",
            "status": batch.status,
            "output_file_id": batch.output_file_id,
            "error_file_id": batch.error_file_id,
            "created_at": 0,
            "request_counts": {
                "total": total,
                "completed": done,
                "failed": failed if ended else 0,
            },
            "metadata": batch.metadata,
        }


def _multipart_file(request: RecordedRequest) -> bytes:
    """The ``file`` part of a multipart upload (the body arrives decoded as text)."""
    match = _BOUNDARY.search(request.headers.get("content-type", ""))
    body = request.body if isinstance(request.body, str) else json.dumps(request.body)
    assert match, "not a multipart upload"
    for part in body.split("--" + match[1]):
        head, _, content = part.partition("\r\n\r\n")
        if 'name="file"' in head:
            return content.removesuffix("\r\n").encode()
    raise AssertionError("no file in the upload")
