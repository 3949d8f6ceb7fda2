"""Where requests may go: the "local only" switch and proxy choice per endpoint.

Loopback means 127.0.0.0/8, ::1 or ``localhost``. Loopback endpoints (the built-in engine, Ollama
on this machine) never go through a proxy, even when ``HTTP(S)_PROXY`` is set: httpx would
otherwise send ``127.0.0.1`` traffic to the proxy unless ``NO_PROXY`` names it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlparse

from assistant.core.base.i18n import tr

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback_host(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 (also bracketed) and ``localhost``."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """True when ``url`` points at this machine."""
    try:
        host = urlparse(url.strip()).hostname
    except ValueError:
        return False
    return bool(host) and is_loopback_host(host or "")


def check_allowed(provider: str, base_url: str, *, builtin: bool, local_only: bool) -> None:
    """Raise :class:`ProviderError` when "local only" is on and the endpoint is not loopback."""
    if not local_only or builtin or is_loopback_url(base_url):
        return
    from assistant.core.providers.errors import ProviderError  # not imported at start-up

    host = urlparse(base_url).hostname or base_url or "?"
    raise ProviderError(
        "forbidden",
        tr(
            "Local only is on: {provider} at {host} is not on this machine, so nothing was sent. "
            "Pick a local provider, or turn off Settings → Local only (no internet)."
        )
        .replace("{provider}", provider)
        .replace("{host}", host),
        provider=provider,
    )


@dataclass(frozen=True)
class HttpRoute:
    """How the HTTP client reaches an endpoint: ``trust_env`` reads HTTP(S)_PROXY/NO_PROXY."""

    trust_env: bool
    proxy: str | None


def http_route(base_url: str, proxy: str = "") -> HttpRoute:
    """Loopback: direct, always. Otherwise the profile's proxy, else the environment's."""
    if is_loopback_url(base_url):
        return HttpRoute(trust_env=False, proxy=None)
    if proxy.strip():
        return HttpRoute(trust_env=False, proxy=proxy.strip())
    return HttpRoute(trust_env=True, proxy=None)


def split_proxy_credentials(url: str) -> tuple[str, str]:
    """(``url`` without ``user:password@``, the ``user:password`` part or '').

    Works with or without a scheme (``user:pw@proxy:3128``), so nothing typed slips through.
    """
    url = url.strip()
    head, sep, rest = url.partition("://")
    if not sep:
        head, rest = "", url
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    tail = rest[len(authority) :]
    credentials, at, host = authority.rpartition("@")
    if not at:
        return url, ""
    return f"{head}{sep}{host}{tail}", credentials


def join_proxy_credentials(url: str, credentials: str) -> str:
    """``url`` with ``credentials`` (``user:password``, percent-encoded as typed) put back in."""
    url = url.strip()
    head, sep, rest = url.partition("://")
    if not sep:
        return f"{credentials}@{url}"
    return f"{head}{sep}{credentials}@{rest}"
