"""The built-in engine's helper process: ``python -m assistant.core.engine.host serve|devices``.

The parent (:mod:`.local_engine`) writes one JSON line with the config to this process's stdin;
the helper starts llama.cpp's server (``xllamacpp``), replies with one JSON line (its address, or
the error) on a private copy of stdout, and serves until the parent closes stdin. ``devices``
prints the compute devices llama.cpp sees. A frozen app has no ``-m``: it runs its own executable
with :data:`HOST_FLAG` first (``.host_process.host_command``), and ``assistant.cli.main`` hands the
rest of the arguments to :func:`host_main`.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

HOST_FLAG = "--engine-host"
"""First argument that makes the app's own entry point run this helper (frozen builds)."""


def _serve(protocol: IO[bytes]) -> int:
    """Child: read the config from stdin, start the server, report, run until stdin closes."""
    import xllamacpp

    request = json.loads(sys.stdin.buffer.readline() or b"{}")
    devices = _devices(xllamacpp)  # before the server: it re-routes ggml's log to a no-op
    params = xllamacpp.CommonParams()
    params.model.path = request["model_path"]
    params.model_alias = {request["alias"]}
    params.n_ctx = int(request["n_ctx"])
    params.cpuparams.n_threads = int(request["n_threads"])
    params.cpuparams_batch.n_threads = int(request["n_threads"])
    params.n_gpu_layers = int(request["gpu_layers"])
    # Slots answer requests at once (variants sent apart); one KV cache of n_ctx shared by all,
    # so each request may still use the whole context.
    params.n_parallel = int(request.get("slots", 1))
    params.kv_unified = True
    if int(request.get("cache_ram_mib", -1)) >= 0:
        params.cache_ram_mib = int(request["cache_ram_mib"])
    params.port = 0
    params.hostnames = ["127.0.0.1"]
    params.api_keys = [request["api_key"]]
    params.verbosity = int(request["verbosity"])
    params.ui = False
    try:
        server = xllamacpp.Server(params)
    except Exception as exc:  # xllamacpp raises RuntimeError; the details are in the log
        _reply(protocol, {"ok": False, "error": str(exc)})
        return 1
    _reply(protocol, {"ok": True, "address": server.listening_address, "devices": devices})
    sys.stdin.buffer.read()  # until the app closes the pipe (or dies)
    del server
    return 0


def _devices(xllamacpp: Any) -> list[dict[str, Any]]:
    kinds = {0: "cpu", 1: "gpu", 2: "igpu", 3: "accel"}
    result = []
    for device in xllamacpp.get_device_info():
        kind = device.get("type")
        result.append(
            {
                "name": str(device.get("name", "")),
                "description": str(device.get("description", "")),
                "kind": kinds.get(int(kind), str(kind)) if kind is not None else "",
                "memory_total": int(device.get("memory_total", 0) or 0),
            }
        )
    return result


def _reply(protocol: IO[bytes], message: dict[str, Any]) -> None:
    protocol.write(json.dumps(message).encode("utf-8") + b"\n")
    protocol.flush()


def host_main(argv: list[str]) -> int:
    """Entry point of the child: keep the protocol on a private copy of stdout.

    llama.cpp may print to stdout as well as stderr; both then go to the log file (stderr),
    so nothing it prints can corrupt the one reply line.
    """
    if argv[:1] not in (["serve"], ["devices"]):
        print("usage: python -m assistant.core.engine.host serve|devices", file=sys.stderr)
        return 2
    sys.stdout.flush()
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        if argv[0] == "devices":
            import xllamacpp

            protocol.write(json.dumps(_devices(xllamacpp)).encode("utf-8") + b"\n")
            return 0
        return _serve(protocol)
    finally:
        protocol.close()


if __name__ == "__main__":
    raise SystemExit(host_main(sys.argv[1:]))
