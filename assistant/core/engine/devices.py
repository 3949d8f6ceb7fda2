"""The compute devices llama.cpp can use, and the CPU cores to give it.

The device list comes from the engine's helper process (``host devices``), asked once per app run.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.core.base.i18n import tr
from assistant.core.engine.host_process import EngineError, host_command, host_env, host_options

_probe_lock = threading.Lock()
_probed_devices: list[EngineDevice] | None = None


@dataclass(frozen=True)
class EngineDevice:
    """A compute device llama.cpp can use (``kind``: cpu, gpu, igpu, accel)."""

    name: str
    description: str
    kind: str
    memory_total: int

    @property
    def is_gpu(self) -> bool:
        return self.kind in {"gpu", "igpu"}


def physical_cores() -> int:
    """Physical CPU cores available to this process (hyper-threads share a core's units)."""
    logical = os.cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        logical = len(os.sched_getaffinity(0)) or logical
    cores = _linux_physical_cores()
    return max(1, min(cores, logical) if cores else logical)


def _linux_physical_cores() -> int:
    """Distinct (physical id, core id) pairs in /proc/cpuinfo; 0 where that is not available."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    pairs: set[tuple[str, str]] = set()
    for block in text.split("\n\n"):
        fields = dict(
            (key.strip(), value.strip())
            for key, _, value in (line.partition(":") for line in block.splitlines())
        )
        if "core id" in fields:
            pairs.add((fields.get("physical id", "0"), fields["core id"]))
    return len(pairs)


def engine_devices() -> list[EngineDevice]:
    """Devices llama.cpp can use with the installed wheel (asked once, in a short-lived process).

    Blocks for ~0.1 s (longer with a GPU wheel): call it off the GUI thread.
    """
    global _probed_devices
    with _probe_lock:
        if _probed_devices is None:
            _probed_devices = _probe_devices()
        return list(_probed_devices)


def gpu_supported() -> bool:
    """True when the wheel has a GPU backend and a GPU is present (``gpu_layers`` then applies)."""
    return any(device.is_gpu for device in engine_devices())


def _probe_devices() -> list[EngineDevice]:
    try:
        done = subprocess.run(
            host_command("devices"),
            capture_output=True,
            env=host_env(),
            timeout=60,
            **host_options(),
        )
        listed = json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else None
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired) as exc:
        raise EngineError(
            tr("Cannot ask the built-in engine for its devices: {reason}").replace(
                "{reason}", str(exc)
            )
        ) from exc
    if not isinstance(listed, list):
        raise EngineError(
            tr("Cannot ask the built-in engine for its devices: {reason}").replace(
                "{reason}", done.stderr.decode("utf-8", errors="replace").strip()[-300:]
            )
        )
    return [EngineDevice(**device) for device in listed]
