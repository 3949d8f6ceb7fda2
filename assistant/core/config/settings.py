"""Typed settings with their defaults in one table, stored as JSON in the config folder.

The :class:`Settings` dataclass *is* the table: each field has a type, a default, a one-line doc
and (for scalars) a validity check. Loading is tolerant: a bad value falls back to its default with
a warning, a corrupt file is moved aside (``settings.json.corrupt-<timestamp>``) and defaults are
used, unknown top-level keys are kept so a newer version's settings survive an older version.
Saving is atomic (temporary file + ``os.replace``) and never raises for file-system errors: it
returns a plain sentence instead.

API keys never live here: profiles have no key field, key-named entries found in a file are
dropped, and :meth:`Settings.save` refuses to write values that look like API keys.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar, get_args, get_type_hints

from assistant.core.base.i18n import tr
from assistant.core.config.settings_file import (
    SETTINGS_FILE_NAME,
    SaveOutcome,
    looks_like_secret,
    move_aside,
    settings_path,
    write_settings_data,
)
from assistant.core.providers.profiles import (
    BUILTIN_NAME,
    BUILTIN_PROFILE,
    PRESETS,
    ProviderKind,
    ProviderProfile,
)
from assistant.core.providers.secrets import (
    ProxyCredentialStore,
    keep_proxy_credentials,
    proxy_session_only_message,
)

__all__ = [
    "SETTINGS_FILE_NAME",
    "THEMES",
    "SaveOutcome",
    "Settings",
    "looks_like_secret",
    "settings_path",
]

SCHEMA_VERSION = 1
THEMES = ("auto", "light", "dark")

_T = TypeVar("_T")
Parser = Callable[[Any], tuple[Any, list[str]]]

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")


# -- checks and parsers used by the table ---------------------------------------------------------


def _non_empty(value: str) -> bool:
    return bool(value.strip())


def _between(low: float, high: float) -> Callable[[float], bool]:
    return lambda value: low <= value <= high


def _base64_or_empty(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _parse_profiles(raw: Any) -> tuple[list[ProviderProfile], list[str]]:
    """Valid profiles from a JSON list; the built-in profile is always present."""
    if not isinstance(raw, list):
        return list(PRESETS), [_invalid_message("profiles", raw)]
    warnings: list[str] = []
    profiles: list[ProviderProfile] = []
    kinds = get_args(ProviderKind)
    for item in raw:
        profile = _parse_profile(item, kinds, warnings)
        if profile is None:
            continue
        if any(p.name == profile.name for p in profiles):
            warnings.append(
                tr("Two provider profiles are named {name!r}; the second was ignored.").format(
                    name=profile.name
                )
            )
            continue
        profiles.append(profile)
    if not any(p.is_builtin for p in profiles):
        profiles.insert(0, BUILTIN_PROFILE)
    return profiles, warnings


def _parse_profile(
    item: Any, kinds: tuple[str, ...], warnings: list[str]
) -> ProviderProfile | None:
    if not isinstance(item, dict):
        warnings.append(tr("A provider profile in the settings file is not valid and was ignored."))
        return None
    name = item.get("name")
    context_window = item.get("context_window")
    valid = (
        isinstance(name, str)
        and name.strip() != ""
        and item.get("kind") in kinds
        and isinstance(item.get("base_url", ""), str)
        and isinstance(item.get("model", ""), str)
        and isinstance(item.get("needs_key", False), bool)
        and (context_window is None or (_is_int(context_window) and context_window > 0))
    )
    if not valid:
        warnings.append(
            tr(
                "The provider profile {name!r} in the settings file is not valid and was ignored."
            ).format(name=_shown(name))
        )
        return None
    if any(looks_like_secret(str(k), v) for k, v in item.items()):
        warnings.append(
            tr(
                "An API key was found in the settings file for the profile {name!r} and was "
                "ignored. Keys are kept in the system keyring: enter it again in the profile."
            ).format(name=name)
        )
    return ProviderProfile.from_dict(item)


def _parse_mode_params(raw: Any) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Per-mode parameter overrides: ``{mode: {param: JSON value}}``; bad entries dropped."""
    if not isinstance(raw, dict):
        return {}, [_invalid_message("mode_params", raw)]
    result: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    for mode, params in raw.items():
        if not isinstance(params, dict):
            warnings.append(
                tr("The saved parameters of mode {mode!r} are not valid and were reset.").format(
                    mode=mode
                )
            )
            continue
        result[mode] = {k: v for k, v in params.items() if not looks_like_secret(k, v)}
    return result, warnings


# -- the table ------------------------------------------------------------------------------------


def _option(default: _T, doc: str, check: Callable[[Any], bool] | None = None) -> _T:
    return field(default=default, metadata={"doc": doc, "check": check})


def _parsed(doc: str, parse: Parser) -> dict[str, Any]:
    """Metadata of a structured option: ``parse(raw) -> (value, warnings)`` replaces the check."""
    return {"doc": doc, "parse": parse}


@dataclass
class Settings:
    """Every setting with its type, default and check. Profiles hold no API keys."""

    active_profile: str = _option(BUILTIN_NAME, "Provider profile used for requests.", _non_empty)
    profiles: list[ProviderProfile] = field(
        default_factory=lambda: list(PRESETS),
        metadata=_parsed("Provider profiles (no keys).", _parse_profiles),
    )
    last_mode: str = _option("article", "Mode shown at start-up.", _non_empty)
    mode_params: dict[str, dict[str, Any]] = field(
        default_factory=dict,
        metadata=_parsed("Per-mode generation parameter overrides.", _parse_mode_params),
    )
    local_only: bool = _option(False, "Refuse profiles whose requests leave this machine.")
    theme: str = _option("auto", "Colour theme: auto, light or dark.", lambda v: v in THEMES)
    language: str = _option(
        "", "UI language code ('' = the system's).", lambda v: v == "" or bool(_LANGUAGE.match(v))
    )
    engine_model_path: str = _option("", "GGUF model of the built-in engine ('' = bundled).")
    engine_context: int = _option(
        4096, "Context window of the built-in engine.", _between(256, 2**20)
    )
    engine_threads: int = _option(
        0, "CPU threads of the built-in engine (0 = physical cores).", _between(0, 1024)
    )
    engine_gpu_layers: int = _option(
        0, "Layers offloaded to the GPU (0 = CPU only).", _between(0, 100_000)
    )
    request_timeout: float = _option(60.0, "Seconds to wait for a provider.", _between(1, 3600))
    max_retries: int = _option(2, "Retries of a failed request.", _between(0, 10))
    stop_loops: bool = _option(True, "Stop an answer that keeps repeating itself (loop guard).")
    window_geometry: str = _option("", "Main window geometry (base64).", _base64_or_empty)
    welcome_done: bool = _option(False, "The first-run choice was made.")
    purge_deleted_days: int = _option(
        30,
        "Soft-deleted history records older than this many days are purged at start.",
        _between(0, 36_500),
    )
    extra: dict[str, Any] = field(
        default_factory=dict, repr=False, compare=False, metadata={"internal": True}
    )
    """Unknown top-level keys from the file, written back unchanged."""
    load_warnings: list[str] = field(
        default_factory=list, repr=False, compare=False, metadata={"internal": True}
    )
    """Plain sentences for the person about problems met while loading (never saved)."""
    credential_store: ProxyCredentialStore | None = field(
        default=None, repr=False, compare=False, metadata={"internal": True}
    )
    """Where proxy passwords are kept instead of the file (the app's KeyStore, set at start)."""

    # -- profiles ---------------------------------------------------------------------------------

    def profile(self, name: str) -> ProviderProfile | None:
        """The profile called ``name``, or None."""
        return next((p for p in self.profiles if p.name == name), None)

    def upsert_profile(self, profile: ProviderProfile) -> None:
        """Replace the profile with the same name, or append it."""
        for index, existing in enumerate(self.profiles):
            if existing.name == profile.name:
                self.profiles[index] = profile
                return
        self.profiles.append(profile)

    def remove_profile(self, name: str) -> bool:
        """Remove a profile (False if absent); the active one falls back to the built-in profile.

        Raises ValueError for the built-in profile, which the app needs to work offline.
        """
        target = self.profile(name)
        if target is None:
            return False
        if target.is_builtin:
            raise ValueError("the built-in profile cannot be removed")
        self.profiles.remove(target)
        if self.active_profile == name:
            self.active_profile = self._builtin().name
        return True

    def active(self) -> ProviderProfile:
        """The active profile (the built-in one if the name is unknown)."""
        return self.profile(self.active_profile) or self._builtin()

    def _builtin(self) -> ProviderProfile:
        return next((p for p in self.profiles if p.is_builtin), BUILTIN_PROFILE)

    # -- (de)serialisation ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (unknown keys from the file included)."""
        data: dict[str, Any] = dict(self.extra)
        data["version"] = SCHEMA_VERSION
        for option in _options():
            value = getattr(self, option.name)
            if option.name == "profiles":
                value = [p.to_dict() for p in value]
            data[option.name] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Settings from JSON data; invalid values become defaults, each in ``load_warnings``."""
        defaults = cls()
        hints = _hints()
        values: dict[str, Any] = {}
        warnings: list[str] = []
        for option in _options():
            if option.name not in data:
                continue
            raw = data[option.name]
            parse: Parser | None = option.metadata.get("parse")
            if parse is not None:
                values[option.name], problems = parse(raw)
                warnings.extend(problems)
                continue
            value = _coerce(raw, hints[option.name])
            check = option.metadata.get("check")
            if value is None or (check is not None and not check(value)):
                warnings.append(
                    _invalid_message(option.name, raw, default=getattr(defaults, option.name))
                )
                continue
            values[option.name] = value
        known = {f.name for f in fields(cls)} | {"version"}
        extra = {}
        for key, value in data.items():
            if key in known:
                continue
            if looks_like_secret(key, value):
                warnings.append(
                    tr(
                        "An entry that looks like an API key ({name!r}) was removed from the "
                        "settings file."
                    ).format(name=key)
                )
                continue
            extra[key] = value
        settings = cls(**values, extra=extra, load_warnings=warnings)
        if settings.profile(settings.active_profile) is None:
            warnings.append(
                tr(
                    "The active provider profile {name!r} does not exist; using {default!r}."
                ).format(name=settings.active_profile, default=settings._builtin().name)
            )
            settings.active_profile = settings._builtin().name
        return settings

    # -- files ------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read settings (defaults when there is no file); problems go to ``load_warnings``."""
        path = path or settings_path()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except UnicodeDecodeError:
            return cls(load_warnings=[move_aside(path)])
        except OSError as error:
            reason = error.strerror or error
            return cls(
                load_warnings=[
                    tr(
                        "The settings file {path} could not be read ({reason}); using defaults."
                    ).format(path=path, reason=reason)
                ]
            )
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return cls(load_warnings=[move_aside(path)])
        return cls.from_dict(data)

    def save(self, path: Path | None = None) -> str | None:
        """Write settings atomically.

        Returns None when everything was written; otherwise a plain sentence for the person (the
        file could not be written, or values that look like API keys were left out).
        """
        return self.write(path).problem

    def write(self, path: Path | None = None) -> SaveOutcome:
        """Write settings atomically and say whether the file was written (never raises).

        Proxy credentials go to :attr:`credential_store` first; the file never holds them.
        """
        self.profiles, session_only = keep_proxy_credentials(self.profiles, self.credential_store)
        outcome = write_settings_data(self.to_dict(), path or settings_path())
        if session_only and outcome.problem is None:
            return outcome._replace(problem=proxy_session_only_message(session_only))
        return outcome


# -- helpers --------------------------------------------------------------------------------------


def _options() -> list[Any]:
    return [f for f in fields(Settings) if not f.metadata.get("internal")]


def coerce_option(name: str, value: Any) -> Any:
    """``value`` as the scalar setting ``name`` holds it; ValueError when its type or check refuse
    it (no silent casts: ``"30"`` is not an int)."""
    option = next(f for f in _options() if f.name == name)
    coerced = _coerce(value, _hints()[name])
    check = option.metadata.get("check")
    if coerced is None or (check is not None and not check(coerced)):
        raise ValueError(f"invalid value for the setting {name!r}: {_shown(value)}")
    return coerced


@functools.cache
def _hints() -> dict[str, Any]:
    return get_type_hints(Settings)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _coerce(raw: Any, kind: Any) -> Any:
    """``raw`` as the scalar type ``kind``, or None when it does not fit (no silent casts)."""
    if kind is bool:
        return raw if isinstance(raw, bool) else None
    if kind is int:
        return raw if _is_int(raw) else None
    if kind is float:
        if (_is_int(raw) or isinstance(raw, float)) and math.isfinite(raw):
            return float(raw)
        return None
    if kind is str:
        return raw if isinstance(raw, str) else None
    return None


def _shown(value: Any) -> str:
    """A short, safe rendering of a bad value for a warning (never an API key)."""
    if looks_like_secret("", value):
        return "…"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _invalid_message(name: str, raw: Any, default: Any = None) -> str:
    if default is None:
        return tr("The setting {name!r} had an invalid value {value}; using the default.").format(
            name=name, value=_shown(raw)
        )
    return tr("The setting {name!r} had an invalid value {value}; using {default!r}.").format(
        name=name, value=_shown(raw), default=default
    )
