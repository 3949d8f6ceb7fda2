"""Provider presets: the servers people use, as data (``assistant/resources/providers.toml``).

A :class:`ProviderPreset` is a ready :class:`~.profiles.ProviderProfile` plus what a person needs to
set it up: where to get a key, the environment variable that may hold one, the documentation page
its URL was checked against. Presets are offered by Settings → Providers and listed by
``assistant providers``; saved profiles remember the preset they came from (``profile.preset``).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from typing import Any, get_args

from assistant.core.base.resources import read_text
from assistant.core.providers.network_policy import is_loopback_url
from assistant.core.providers.profiles import ProviderKind, ProviderProfile

PRESETS_FILE = "providers.toml"
REQUIRED_KEYS = ("id", "name", "kind", "base_url", "model", "needs_key", "images", "source")
"""Every preset in the shipped file has these (tests check it)."""


@dataclass(frozen=True)
class ProviderPreset:
    """One provider as shipped: its profile and how to get going with it."""

    id: str
    name: str
    kind: ProviderKind
    base_url: str
    model: str
    needs_key: bool
    images: bool
    source: str
    key_url: str = ""
    key_env: str = ""
    api_version: str = ""

    @property
    def is_local(self) -> bool:
        """True for servers on this machine (Ollama, LM Studio...): no key, no cost."""
        return is_loopback_url(self.base_url)

    def profile(self, name: str | None = None) -> ProviderProfile:
        """A new profile made from this preset (named after it unless ``name`` is given)."""
        return ProviderProfile(
            name=name or self.name,
            kind=self.kind,
            base_url=self.base_url,
            model=self.model,
            needs_key=self.needs_key,
            api_version=self.api_version,
            preset=self.id,
            images=self.images,
        )


def parse_presets(text: str) -> tuple[ProviderPreset, ...]:
    """Presets from the TOML text of a providers file; raises ValueError naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from exc
    raw = data.get("preset", [])
    if not isinstance(raw, list):
        raise ValueError("'preset' must be an array of tables ([[preset]])")
    presets = tuple(_preset(item) for item in raw)
    ids = [preset.id for preset in presets]
    if len(set(ids)) != len(ids):
        raise ValueError("two presets have the same id")
    return presets


def _preset(item: Any) -> ProviderPreset:
    if not isinstance(item, dict):
        raise ValueError("a preset is not a table")
    missing = [key for key in REQUIRED_KEYS if key not in item]
    if missing:
        raise ValueError(f"preset {item.get('id', '?')!r} has no {', '.join(missing)}")
    if item["kind"] not in get_args(ProviderKind) or item["kind"] == "builtin":
        raise ValueError(f"preset {item['id']!r}: unknown kind {item['kind']!r}")
    known = {name: item[name] for name in ProviderPreset.__dataclass_fields__ if name in item}
    for name, value in known.items():
        expected = bool if name in ("needs_key", "images") else str
        if not isinstance(value, expected):
            raise ValueError(f"preset {item['id']!r}: {name} must be a {expected.__name__}")
    return ProviderPreset(**known)


@functools.cache
def load_presets() -> tuple[ProviderPreset, ...]:
    """The shipped presets, in the file's order (read once)."""
    return parse_presets(read_text(PRESETS_FILE))


def preset(preset_id: str) -> ProviderPreset | None:
    """The shipped preset with this id, or None."""
    return next((p for p in load_presets() if p.id == preset_id), None)


def preset_for(profile: ProviderProfile) -> ProviderPreset | None:
    """The preset a profile came from: its ``preset`` id, else the one with its base URL."""
    if profile.preset:
        return preset(profile.preset)
    url = profile.base_url.rstrip("/")
    return next((p for p in load_presets() if url and p.base_url.rstrip("/") == url), None)
