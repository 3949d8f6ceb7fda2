"""The unsent input of each mode (field values and editor text), saved in the history database.

The table is created by :data:`.schema.MIGRATIONS`; this module only reads and
writes it. Saving is one upsert; debouncing keystrokes is the GUI's job.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from assistant.core.storage.history import HistoryStore


class DraftStore:
    """Per-mode drafts in the same database (and connections) as a :class:`HistoryStore`."""

    def __init__(self, history: HistoryStore) -> None:
        self._database = history.database

    def save(self, mode: str, fields: Mapping[str, Any]) -> None:
        """Store the draft of ``mode``, replacing the previous one."""
        data = json.dumps(dict(fields), ensure_ascii=False, default=str)
        with self._database.connection() as connection:
            connection.execute(
                "INSERT INTO drafts (mode, fields, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (mode) DO UPDATE SET fields = excluded.fields, "
                "updated_at = excluded.updated_at",
                (mode, data, time.time()),
            )

    def load(self, mode: str) -> dict[str, Any] | None:
        """The saved draft of ``mode``, or None."""
        with self._database.connection() as connection:
            row = connection.execute("SELECT fields FROM drafts WHERE mode = ?", (mode,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def load_all(self) -> dict[str, dict[str, Any]]:
        """Every saved draft by mode."""
        with self._database.connection() as connection:
            rows = connection.execute("SELECT mode, fields FROM drafts ORDER BY mode").fetchall()
        return {mode: dict(json.loads(fields)) for mode, fields in rows}

    def clear(self, mode: str) -> None:
        """Forget the draft of ``mode``."""
        with self._database.connection() as connection:
            connection.execute("DELETE FROM drafts WHERE mode = ?", (mode,))
