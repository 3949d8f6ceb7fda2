"""API keys in the operating system's keyring, with a session-only fallback.

Keys are stored under the service name ``assistant`` with the profile name as the user name. When
no usable keyring exists (keyring's ``fail``/``null`` backends, ``NoKeyringError``, a locked
keyring, any ``KeyringError``), a key is kept in memory for this session only: it is never written
to a file.

Precedence in :meth:`KeyStore.get`: a key the person stored explicitly (keyring, or session memory
when the keyring is unusable) wins over the environment. The environment (``OPENAI_API_KEY`` for the
OpenAI preset) is a fallback, so a key typed into the app is never silently overridden by a variable
left in a shell profile.

Proxy credentials are secrets too: the ``user:password`` of a profile's proxy URL is kept here
(service ``assistant-proxy``, the proxy URL without credentials as the user name), never in the
settings file; :func:`keep_proxy_credentials` moves typed or old-file credentials in.

Keys are never logged. ``keyring`` is imported on first use (~0.17 s with backend detection), so
constructing a :class:`KeyStore` costs nothing.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from assistant import APP_NAME
from assistant.core.base.i18n import tr
from assistant.core.providers.network_policy import (
    join_proxy_credentials,
    split_proxy_credentials,
)
from assistant.core.providers.profiles import OPENAI_PROFILE, ProviderProfile

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

ENV_FALLBACKS: Mapping[str, str] = {OPENAI_PROFILE.name: "OPENAI_API_KEY"}
"""Profile name -> environment variable read when no key is stored for that profile."""
PROXY_SERVICE_SUFFIX = "-proxy"


class KeySource(Enum):
    """Where :meth:`KeyStore.get` found a key."""

    KEYRING = "keyring"
    SESSION = "session"
    ENVIRONMENT = "environment"


class _Problem(Enum):
    NO_BACKEND = "no-backend"
    LOCKED = "locked"
    FAILED = "failed"


class KeyStore:
    """Reads and writes API keys per provider profile.

    ``backend`` overrides keyring's detected backend (tests, embedding); ``environ`` overrides
    ``os.environ`` for the environment fallback.
    """

    def __init__(
        self,
        service: str = APP_NAME,
        backend: KeyringBackend | None = None,
        environ: Mapping[str, str] | None = None,
        env_fallbacks: Mapping[str, str] = ENV_FALLBACKS,
    ) -> None:
        self.service = service
        self._backend = backend
        self._environ = environ
        self._env_fallbacks = dict(env_fallbacks)
        self._session: dict[tuple[str, str], str] = {}
        self._problem: _Problem | None = None
        self._lock = threading.RLock()

    # -- public API -------------------------------------------------------------------------------

    def get(self, profile_name: str) -> str | None:
        """The key for ``profile_name``, or None. Stored keys win over the environment."""
        found = self.lookup(profile_name)
        return found[0] if found else None

    def lookup(self, profile_name: str) -> tuple[str, KeySource] | None:
        """The key for ``profile_name`` and where it came from, or None."""
        found = self._secret(self.service, profile_name)
        if found:
            return found
        variable = self._env_fallbacks.get(profile_name)
        environ = os.environ if self._environ is None else self._environ
        value = environ.get(variable, "").strip() if variable else ""
        return (value, KeySource.ENVIRONMENT) if value else None

    def set(self, profile_name: str, key: str, *, persist: bool = True) -> bool:
        """Store ``key`` (surrounding whitespace removed).

        Returns True when the system keyring holds it, False when it is kept for this session only
        (``persist=False``, or no usable keyring: see :attr:`status_message`). Raises ValueError
        for an empty key: use :meth:`delete`.
        """
        key = key.strip()
        if not key:
            raise ValueError("empty API key; use delete() to remove a key")
        kept = self._set_secret(self.service, profile_name, key, persist)
        where = self.backend_name if kept else "this session only"
        log.info("Keeping the API key of profile %r in %s", profile_name, where)
        return kept

    def delete(self, profile_name: str) -> bool:
        """Forget the stored key of ``profile_name``.

        Returns False only when a usable keyring refused to delete an existing entry.
        """
        return self._delete_secret(self.service, profile_name)

    def proxy_credentials(self, proxy_url: str) -> str | None:
        """The stored ``user:password`` for ``proxy_url`` (given without credentials), or None."""
        found = self._secret(self.proxy_service, _proxy_id(proxy_url))
        return found[0] if found else None

    def set_proxy_credentials(self, proxy_url: str, credentials: str) -> bool:
        """Keep ``credentials`` for ``proxy_url``; True when the system keyring holds them."""
        where = _proxy_id(proxy_url)
        kept = self._set_secret(self.proxy_service, where, credentials, persist=True)
        log.info("Keeping the credentials of proxy %s in %s", where, self.backend_name)
        return kept

    def delete_proxy_credentials(self, proxy_url: str) -> bool:
        """Forget the credentials stored for ``proxy_url``."""
        return self._delete_secret(self.proxy_service, _proxy_id(proxy_url))

    def proxy_with_credentials(self, proxy_url: str) -> str:
        """``proxy_url`` ready to use: as typed when it has credentials, else with stored ones."""
        bare, credentials = split_proxy_credentials(proxy_url)
        if credentials or not bare:
            return proxy_url.strip()
        stored = self.proxy_credentials(bare)
        return join_proxy_credentials(bare, stored) if stored else bare

    @property
    def proxy_service(self) -> str:
        """The keyring service under which proxy credentials are kept."""
        return self.service + PROXY_SERVICE_SUFFIX

    @property
    def backend_available(self) -> bool:
        """True when keys are remembered across sessions (a usable system keyring)."""
        with self._lock:
            if self._problem is not None:
                return False
            if not _is_usable(self._current_backend()):
                self._problem = _Problem.NO_BACKEND
                return False
            return True

    @property
    def backend_name(self) -> str:
        """A display name of the keyring in use (or of the session-only fallback)."""
        if not self.backend_available:
            return tr("this session only (no system keyring)")
        return str(self._current_backend().name)

    @property
    def status_message(self) -> str | None:
        """A plain sentence for the person when keys cannot be remembered, else None."""
        if self.backend_available:
            return None
        if self._problem is _Problem.LOCKED:
            return tr(
                "The system keyring is locked, so the key is kept for this session only and "
                "will be asked again next time. Unlock the keyring to remember it."
            )
        if self._problem is _Problem.FAILED:
            return tr(
                "The system keyring did not respond, so the key is kept for this session only "
                "and will be asked again next time."
            )
        return tr(
            "No system keyring was found, so the key is kept for this session only and will be "
            "asked again next time. Install or unlock GNOME Keyring or KWallet to remember it."
        )

    # -- keyring access ---------------------------------------------------------------------------

    def _secret(self, service: str, user: str) -> tuple[str, KeySource] | None:
        with self._lock:
            if (service, user) in self._session:
                return self._session[service, user], KeySource.SESSION
            stored = self._keyring_get(service, user)
        return (stored, KeySource.KEYRING) if stored else None

    def _set_secret(self, service: str, user: str, value: str, persist: bool) -> bool:
        with self._lock:
            if persist and self._keyring_set(service, user, value):
                self._session.pop((service, user), None)
                return True
            self._session[service, user] = value
            return False

    def _delete_secret(self, service: str, user: str) -> bool:
        with self._lock:
            self._session.pop((service, user), None)
            if not self.backend_available:
                return True
            from keyring.errors import PasswordDeleteError

            try:
                self._current_backend().delete_password(service, user)
            except PasswordDeleteError:
                return True  # nothing was stored
            except Exception as error:
                self._note_failure("delete", error)
                return False
            return True

    def _current_backend(self) -> KeyringBackend:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def _keyring_get(self, service: str, user: str) -> str | None:
        if not self.backend_available:
            return None
        try:
            value = self._current_backend().get_password(service, user)
        except Exception as error:
            self._note_failure("get", error)
            return None
        return value or None

    def _keyring_set(self, service: str, user: str, value: str) -> bool:
        if not self.backend_available:
            return False
        try:
            self._current_backend().set_password(service, user, value)
        except Exception as error:
            self._note_failure("set", error)
            return False
        return True

    def _note_failure(self, action: str, error: Exception) -> None:
        """Switch to session-only mode after a keyring error (no repeated unlock prompts)."""
        from keyring.errors import KeyringLocked, NoKeyringError

        if isinstance(error, KeyringLocked):
            self._problem = _Problem.LOCKED
        elif isinstance(error, NoKeyringError):
            self._problem = _Problem.NO_BACKEND
        else:
            self._problem = _Problem.FAILED
        # The exception text comes from the backend, never from the key; log its type only.
        log.warning(
            "Keyring %s failed (%s); keys are kept for this session only",
            action,
            type(error).__name__,
        )


def _is_usable(backend: KeyringBackend) -> bool:
    """False for keyring's fail/null backends and a chainer with nothing to chain."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(_is_usable(inner) for inner in backend.backends)
    return True


# -- proxy credentials -----------------------------------------------------------------------------


def _proxy_id(proxy_url: str) -> str:
    return split_proxy_credentials(proxy_url)[0]


class ProxyCredentialStore(Protocol):
    """Where proxy credentials are kept instead of the settings file (a :class:`KeyStore`)."""

    def set_proxy_credentials(self, proxy_url: str, credentials: str) -> bool: ...


def proxy_session_only_message(profile_names: Sequence[str]) -> str:
    """A sentence for the person: these profiles' proxy passwords will be asked for again."""
    return tr(
        "No system keyring is available, so the proxy password of {profiles} is kept for this "
        "session only and was not written to the settings file; enter it again next time."
    ).replace("{profiles}", ", ".join(profile_names))


def keep_proxy_credentials(
    profiles: Sequence[ProviderProfile], store: ProxyCredentialStore | None
) -> tuple[list[ProviderProfile], list[str]]:
    """Move credentials out of the profiles' proxy URLs into ``store``.

    Returns the profiles with bare proxy URLs, and the names of those whose credentials will not
    outlive this session (no store, or no system keyring): without a store a profile keeps its
    credentials in memory, so they still work until the app closes.
    """
    kept: list[ProviderProfile] = []
    session_only: list[str] = []
    for profile in profiles:
        bare, credentials = split_proxy_credentials(profile.proxy)
        if not credentials:
            kept.append(profile)
            continue
        if store is None:
            kept.append(profile)
            session_only.append(profile.name)
            continue
        if not store.set_proxy_credentials(bare, credentials):
            session_only.append(profile.name)
        kept.append(replace(profile, proxy=bare))
    return kept, session_only
