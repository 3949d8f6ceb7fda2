"""Where the app keeps its files: config, data, cache and logs (platformdirs).

``ASSISTANT_HOME`` overrides all four with sub-folders of one directory (tests, portable installs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assistant import APP_NAME


@dataclass(frozen=True)
class AppPaths:
    config: Path
    data: Path
    cache: Path
    logs: Path

    @property
    def all(self) -> tuple[Path, ...]:
        return (self.config, self.data, self.cache, self.logs)

    def ensure(self) -> AppPaths:
        """Create the directories (errors are left to callers that write)."""
        for path in self.all:
            path.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """The app's directories for this user (not created)."""
    home = os.environ.get("ASSISTANT_HOME")
    if home:
        root = Path(home)
        return AppPaths(root / "config", root / "data", root / "cache", root / "logs")
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(
        Path(dirs.user_config_dir),
        Path(dirs.user_data_dir),
        Path(dirs.user_cache_dir),
        Path(dirs.user_log_dir),
    )
