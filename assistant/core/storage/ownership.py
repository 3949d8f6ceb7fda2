"""Which process writes a record: a 'streaming' record whose writer is gone was interrupted.

A record's ``owner`` is ``host:pid:token``; the token tells this process from an earlier one that
had the same pid. Both are found on first use: ``socket`` and ``uuid`` are not needed before the
window shows (``python -X importtime``).
"""

from __future__ import annotations

import os
import sys
from functools import cache


@cache
def _this_process() -> tuple[str, str]:
    """(host name, a token made once per process)."""
    import socket
    import uuid

    return socket.gethostname(), uuid.uuid4().hex


def owner() -> str:
    host, token = _this_process()
    return f"{host}:{os.getpid()}:{token}"


def owner_alive(owner: str) -> bool:
    """Whether the process that wrote a 'streaming' record may still be writing it."""
    host, _, rest = owner.partition(":")
    pid_text, _, token = rest.partition(":")
    this_host, this_token = _this_process()
    if host != this_host or not pid_text.isdigit():
        return False  # another machine cannot be checked; a stale copy of the file
    pid = int(pid_text)
    if pid == os.getpid():
        return token == this_token  # else: an earlier process that had our pid
    return _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(ctypes.GetLastError() == 5)  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
