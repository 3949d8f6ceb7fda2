"""The app's version and build (the git commit it was built from), for ``--version`` and About.

A bundle made by ``packaging/build.sh`` carries the commit in a ``BUILD`` file beside this
package's ``__init__``; a source checkout asks git; an install from a wheel has no build.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import assistant

BUILD_FILE_NAME = "BUILD"
"""Written into the bundle's ``assistant`` folder by ``packaging/build.sh``."""


def _package_dir() -> Path:
    return Path(assistant.__file__).resolve().parent


@functools.cache
def build_commit() -> str | None:
    """The commit this app was built from (``-dirty`` when tracked files differed), or None."""
    baked = _package_dir() / BUILD_FILE_NAME
    try:
        text = baked.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    if text:
        return text
    return _git_commit(_package_dir().parent)


def _git_commit(checkout: Path) -> str | None:
    """The checkout's HEAD (12 hex digits) when ``checkout`` is a git work tree, else None."""
    if not (checkout / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0 or not head.stdout.strip():
            return None
        changed = subprocess.run(
            ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    dirty = "-dirty" if changed.returncode == 0 and changed.stdout.strip() else ""
    return head.stdout.strip() + dirty


def version_text() -> str:
    """``0.1.0 (build 0123456789ab)``, or just the version when the build is unknown."""
    commit = build_commit()
    return f"{assistant.__version__} (build {commit})" if commit else assistant.__version__


def version_line() -> str:
    """What ``assistant --version`` prints: ``assistant 0.1.0 (build 0123456789ab)``."""
    return f"{assistant.APP_NAME} {version_text()}"
