"""Which process writes a record: a 'streaming' record whose writer is gone was interrupted.

A record's ``owner`` is ``host:pid:token``; the token tells this process from an earlier one that
had the same pid.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid

_PROCESS_TOKEN = uuid.uuid4().hex
_HOST = socket.gethostname()


def owner() -> str:
    return f"{_HOST}:{os.getpid()}:{_PROCESS_TOKEN}"


def owner_alive(owner: str) -> bool:
    """Whether the process that wrote a 'streaming' record may still be writing it."""
    host, _, rest = owner.partition(":")
    pid_text, _, token = rest.partition(":")
    if host != _HOST or not pid_text.isdigit():
        return False  # another machine cannot be checked; a stale copy of the file
    pid = int(pid_text)
    if pid == os.getpid():
        return token == _PROCESS_TOKEN  # else: an earlier process that had our pid
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
