"""Generation parameters shared by modes, providers, the GUI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class GenerationParams:
    """Sampling parameters sent with a chat request. ``model`` empty means the profile's model."""

    model: str = ""
    temperature: float = 0.7
    max_tokens: int = 1024
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    n: int = 1
    repetition: float | None = None
    """Repetition penalty strength for llama.cpp servers (``sampling``); None: the model's own."""

    def merged(self, **overrides: Any) -> GenerationParams:
        """A copy with the given fields replaced; ``None`` values are ignored."""
        known = {f.name for f in fields(self)}
        clean = {k: v for k, v in overrides.items() if v is not None and k in known}
        if "stop" in clean:
            clean["stop"] = tuple(clean["stop"])
        return replace(self, **clean)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for history records and settings)."""
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"stop": list(self.stop)}
