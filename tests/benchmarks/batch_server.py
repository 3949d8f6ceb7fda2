"""A lean loopback chat server for the batch benchmark: every answer comes after a fixed delay.

``python -m tests.benchmarks.batch_server --delay 0.05`` prints its base URL and serves until stdin
closes. Plain asyncio (no thread per connection), so at concurrency 64 the server is not what
limits the rate: each request costs it well under a millisecond. The answer is a short SSE stream
(role, two content deltas, finish_reason, usage, ``[DONE]``) with a Content-Length, keep-alive.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading

ANSWER = ("Fresh copy for ", "this product.")


def _sse_body() -> bytes:
    base = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0}
    base |= {"model": "fake-model"}
    events = [
        [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}],
        *[[{"index": 0, "delta": {"content": part}, "finish_reason": None}] for part in ANSWER],
        [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    ]
    parts = [json.dumps(base | {"choices": c}) for c in events]
    usage = {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}
    parts.append(json.dumps(base | {"choices": [], "usage": usage}))
    parts.append("[DONE]")
    return "".join(f"data: {p}\n\n" for p in parts).encode()


BODY = _sse_body()
HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: keep-alive\r\n"
    + f"Content-Length: {len(BODY)}\r\n\r\n".encode()
)


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            await asyncio.sleep(delay)
            writer.write(HEAD + BODY)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _main(delay: float) -> None:
    server = await asyncio.start_server(
        lambda r, w: _serve(r, w, delay), "127.0.0.1", 0, backlog=512
    )
    port = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}/v1", flush=True)
    done = asyncio.get_running_loop().create_future()

    def wait_stdin() -> None:
        sys.stdin.read()
        done.get_loop().call_soon_threadsafe(done.set_result, None)

    threading.Thread(target=wait_stdin, daemon=True).start()
    await done
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.05)
    asyncio.run(_main(parser.parse_args().delay))


if __name__ == "__main__":
    main()
