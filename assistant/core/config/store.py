"""The one place settings change: edits announce the names that changed and are saved by one rule.

Views follow the settings they show by themselves: ``store.subscribe(listener, "theme")``, or
methods marked with :func:`on_change` and registered once with ``store.observe(view)`` (a Qt view
registers through ``assistant.ui.settings_qt`` instead, so its observers die with it). Nothing
re-reads settings by hand after a dialog.

The save rule: every change marks the store dirty and asks for a save; whoever owns the event
loop decides when it happens (the Qt adapter debounces it on a timer; with no scheduler it is
written at once) and :meth:`SettingsStore.flush` writes what is pending (a dialog closing, the app
quitting). Writing is :meth:`Settings.write`: atomic, never a key in the file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from assistant.core.config.settings import Settings, coerce_option
from assistant.core.providers.profiles import ProviderProfile

Listener = Callable[[str], None]
"""Called with the name of a setting that changed (its new value is on ``store.settings``)."""
Unsubscribe = Callable[[], None]

_F = TypeVar("_F", bound=Callable[..., Any])
_OBSERVES = "__settings_observes__"


def option_names() -> frozenset[str]:
    """Names of every setting in the table (the keys of the settings file)."""
    return frozenset(f.name for f in fields(Settings) if not f.metadata.get("internal"))


def _known(names: tuple[str, ...]) -> frozenset[str]:
    unknown = sorted(set(names) - option_names())
    if unknown:
        raise KeyError(f"no such setting: {', '.join(unknown)}")
    return frozenset(names)


def on_change(*names: str) -> Callable[[_F], _F]:
    """Declare a method ``(self, name)`` as the observer of the named settings (all when none).

    The method is called only for those names, however it is connected; unknown names fail at
    import time rather than never firing.
    """
    wanted = _known(names)

    def decorate(method: _F) -> _F:
        @functools.wraps(method)
        def filtered(self: Any, name: str) -> None:
            if not wanted or name in wanted:
                method(self, name)

        setattr(filtered, _OBSERVES, wanted)
        return filtered  # type: ignore[return-value]

    return decorate


def observers_of(owner: object) -> list[Listener]:
    """The bound methods of ``owner`` declared with :func:`on_change`."""
    marked = []
    for name in dir(type(owner)):
        if hasattr(getattr(type(owner), name, None), _OBSERVES):
            marked.append(getattr(owner, name))
    return marked


class SettingsStore:
    """Settings that announce their changes and save themselves by one rule."""

    def __init__(self, settings: Settings | None = None, path: Path | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        """The current values, for reading; change them through this store."""
        self.path = path
        self.dirty = False
        """Changes not written yet (also after a write that failed)."""
        self._listeners: list[tuple[Listener, frozenset[str]]] = []
        self._problem_listeners: list[Listener] = []
        self._request_save: Callable[[], object] = self.flush
        self._batch: list[str] | None = None

    # -- editing ----------------------------------------------------------------------------------

    def set(self, name: str, value: Any) -> bool:
        """Change one setting; True when its value changed (then announced and saved).

        Raises KeyError for a name not in the table and ValueError for a value its check refuses.
        """
        value = self._valid(name, value)
        if getattr(self.settings, name) == value:
            return False
        with self.batch():
            setattr(self.settings, name, value)
            self._changed(name)
            if name == "profiles" and self.settings.profile(self.settings.active_profile) is None:
                self.set("active_profile", self.settings.active().name)
        return True

    def update(self, **values: Any) -> list[str]:
        """Change several settings at once (announced together, in this order); names changed."""
        with self.batch():
            return [name for name, value in values.items() if self.set(name, value)]

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold announcements and the save until the block ends, so observers see every change
        of the block together (a profile and the choice of it, for instance)."""
        if self._batch is not None:
            yield
            return
        self._batch = []
        try:
            yield
        finally:
            names, self._batch = list(dict.fromkeys(self._batch)), None
            if names:
                self._announce(names)

    def upsert_profile(self, profile: ProviderProfile) -> bool:
        """Replace the profile with the same name, or append it."""
        profiles = [profile if p.name == profile.name else p for p in self.settings.profiles]
        if profile not in profiles:
            profiles.append(profile)
        return self.set("profiles", profiles)

    def remove_profile(self, name: str) -> bool:
        """Remove a profile (False if absent); the active one falls back to the built-in one.

        Raises ValueError for the built-in profile, which the app needs to work offline.
        """
        target = self.settings.profile(name)
        if target is None:
            return False
        if target.is_builtin:
            raise ValueError("the built-in profile cannot be removed")
        return self.set("profiles", [p for p in self.settings.profiles if p.name != name])

    def set_mode_params(self, mode_id: str, overrides: dict[str, Any]) -> bool:
        """Keep ``overrides`` (parameters that differ from the mode's defaults) for a mode."""
        params = dict(self.settings.mode_params)
        params[mode_id] = dict(overrides)
        return self.set("mode_params", params)

    # -- observers --------------------------------------------------------------------------------

    def subscribe(self, listener: Listener, *names: str) -> Unsubscribe:
        """Call ``listener(name)`` after each change of the named settings (every one if none)."""
        entry = (listener, _known(names))
        self._listeners.append(entry)
        return functools.partial(_remove, self._listeners, entry)

    def observe(self, owner: object) -> Unsubscribe:
        """Subscribe every method of ``owner`` declared with :func:`on_change`."""
        undo = [self.subscribe(method) for method in observers_of(owner)]

        def unsubscribe_all() -> None:
            for each in undo:
                each()

        return unsubscribe_all

    def on_save_problem(self, listener: Listener) -> Unsubscribe:
        """Call ``listener(sentence)`` when a save could not write everything."""
        self._problem_listeners.append(listener)
        return functools.partial(_remove, self._problem_listeners, listener)

    # -- saving -----------------------------------------------------------------------------------

    def use_save_scheduler(self, request_save: Callable[[], object]) -> None:
        """Let ``request_save()`` decide when pending changes are written (it calls flush)."""
        self._request_save = request_save

    def flush(self) -> str | None:
        """Write pending changes now; a sentence for the person when that went wrong."""
        if not self.dirty:
            return None
        outcome = self.settings.write(self.path)
        self.dirty = not outcome.written
        if outcome.problem:
            for listener in list(self._problem_listeners):
                listener(outcome.problem)
        return outcome.problem

    # -- internals --------------------------------------------------------------------------------

    def _valid(self, name: str, value: Any) -> Any:
        if name not in option_names():
            raise KeyError(f"no such setting: {name}")
        if name == "profiles":
            return _checked_profiles(value)
        if name == "mode_params":
            if not isinstance(value, dict) or not all(isinstance(p, dict) for p in value.values()):
                raise ValueError("mode_params must map each mode to a dict of parameters")
            return {str(mode): dict(params) for mode, params in value.items()}
        value = coerce_option(name, value)
        if name == "active_profile" and self.settings.profile(value) is None:
            raise ValueError(f"no provider profile is named {value!r}")
        return value

    def _changed(self, name: str) -> None:
        self.dirty = True
        assert self._batch is not None
        self._batch.append(name)

    def _announce(self, names: list[str]) -> None:
        """Tell every matching listener, then ask for a save; a failing listener does not stop
        the others, and its error is raised once all were told."""
        errors: list[Exception] = []
        for name in names:
            for entry in list(self._listeners):
                listener, wanted = entry
                if entry not in self._listeners or (wanted and name not in wanted):
                    continue
                try:
                    listener(name)
                except Exception as error:
                    errors.append(error)
        self._request_save()
        if errors:
            raise errors[0]


def _remove(items: list[Any], item: Any) -> None:
    if item in items:
        items.remove(item)


def _checked_profiles(value: Any) -> list[ProviderProfile]:
    profiles = list(value)
    names = [p.name for p in profiles if isinstance(p, ProviderProfile)]
    if len(names) != len(profiles):
        raise ValueError("profiles must be ProviderProfile objects")
    if len(set(names)) != len(names):
        raise ValueError("provider profile names must be unique")
    if not any(p.is_builtin for p in profiles):
        raise ValueError("the built-in profile cannot be removed")
    return profiles
