"""Images attached to a request: checked, downscaled, stored once by content, sent as data URLs.

An image is stored in ``<data>/images/<sha256>.<ext>`` (PNG, JPEG or WebP; the name is the hash of
the stored bytes, so the same picture is kept once). A mode's ``image`` field holds the names;
the history keeps the names, never the pixels (:func:`stored_messages` turns the data URLs of the
sent messages back into ``assistant-image:<name>`` references, :func:`resolved_messages` the
other way). Decoding and scaling pixels is not done here (core has no image library): the caller
passes a :class:`Scaler` (the Qt one is ``assistant/ui/image_codec.py``), used only when a side is
longer than :data:`MAX_SIDE`.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import struct
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths

MAX_SIDE = 2048
"""The longest side, in pixels, of an image sent to a model (larger ones are downscaled)."""
MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""Larger files are refused before decoding (OpenAI's own limit per image is 20 MB)."""
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
"""The formats accepted, by MIME type: the file extension used in the store."""
REF_SCHEME = "assistant-image:"
"""How the history refers to a stored image in place of its data URL."""

_NAME = re.compile(r"^[0-9a-f]{64}\.(png|jpg|webp)$")
_DATA_URL = re.compile(r"^data:(image/[a-z.+-]+);base64,(.*)$", re.DOTALL)
_CONTEXT = "images"


class ImageError(ValueError):
    """An image that cannot be used; ``str(error)`` says why, for people."""


class Scaler(Protocol):
    """Decode ``data`` (of type ``mime``), shrink it so no side exceeds ``max_side``, and encode
    it again (same format); raises ValueError when the data cannot be decoded."""

    def __call__(self, data: bytes, mime: str, max_side: int) -> bytes: ...


@dataclass(frozen=True)
class ImageInfo:
    """A stored image: its file name in the store, type, pixel size and size in bytes."""

    name: str
    mime: str
    width: int
    height: int
    size: int

    def describe(self) -> str:
        """'1920 × 1080 · 245 KB' (what the thumbnails show)."""
        return f"{self.width} × {self.height} · {format_bytes(self.size)}"


def format_bytes(size: int) -> str:
    """A byte count for people: '812 B', '245 KB', '3.4 MB'."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def is_image_name(value: object) -> bool:
    """True for a name of the image store (``<sha256>.png|jpg|webp``)."""
    return isinstance(value, str) and _NAME.match(value) is not None


# -- what a file holds -------------------------------------------------------------------------


def sniff(data: bytes) -> tuple[str, int, int]:
    """(MIME type, width, height) of PNG, JPEG or WebP data; ImageError for anything else."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return "image/png", width, height
        if data.startswith(b"\xff\xd8"):
            return ("image/jpeg", *_jpeg_size(data))
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return ("image/webp", *_webp_size(data))
    except (struct.error, IndexError) as exc:
        raise ImageError(tr("The image file is damaged or incomplete.", _CONTEXT)) from exc
    raise ImageError(
        tr("This is not a PNG, JPEG or WebP image; those are the kinds a model can read.", _CONTEXT)
    )


_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE})


def _jpeg_size(data: bytes) -> tuple[int, int]:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            at += 1
            continue
        marker = data[at + 1]
        if marker in (0xFF, 0x01) or 0xD0 <= marker <= 0xD7:  # fill byte, standalone markers
            at += 1 if marker == 0xFF else 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    raise IndexError("no frame header")


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        (bits,) = struct.unpack("<I", data[21:25])
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    raise IndexError("unknown WebP chunk")


# -- the store ---------------------------------------------------------------------------------


class ImageStore:
    """Images kept once each, named by the sha256 of their bytes, in one folder."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    @classmethod
    def default(cls) -> ImageStore:
        """The store in the app's data folder (``<data>/images``)."""
        return cls(app_paths().data / "images")

    def add(self, data: bytes, scaler: Scaler | None = None) -> ImageInfo:
        """Check ``data``, downscale it to :data:`MAX_SIDE` with ``scaler`` when larger, and keep
        it; returns what was stored. Raises ImageError (with a message for people)."""
        if len(data) > MAX_IMAGE_BYTES:
            raise ImageError(
                tr("The image is {size}; at most {limit} can be attached.", _CONTEXT)
                .replace("{size}", format_bytes(len(data)))
                .replace("{limit}", format_bytes(MAX_IMAGE_BYTES))
            )
        mime, width, height = sniff(data)
        if width <= 0 or height <= 0:
            raise ImageError(tr("The image file is damaged or incomplete.", _CONTEXT))
        if max(width, height) > MAX_SIDE:
            if scaler is None:
                raise ImageError(f"image larger than {MAX_SIDE} px and no scaler given")
            try:
                data = scaler(data, mime, MAX_SIDE)
            except ValueError as exc:
                raise ImageError(
                    tr("The image could not be decoded: {error}", _CONTEXT).replace(
                        "{error}", str(exc)
                    )
                ) from exc
            mime, width, height = sniff(data)
        name = f"{_sha256(data)}.{EXTENSIONS[mime]}"
        path = self.folder / name
        if not path.exists():
            _write_atomically(path, data)
        return ImageInfo(name, mime, width, height, len(data))

    def add_file(self, path: Path | str, scaler: Scaler | None = None) -> ImageInfo:
        """:meth:`add` for a file; ImageError names the file when it cannot be read or used."""
        file = Path(path)
        try:
            if file.stat().st_size > MAX_IMAGE_BYTES:
                data = b"\0" * (MAX_IMAGE_BYTES + 1)  # only its size matters for the message
            else:
                data = file.read_bytes()
            return self.add(data, scaler)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ImageError(
                tr("cannot read the image {file}: {reason}", _CONTEXT)
                .replace("{file}", str(file))
                .replace("{reason}", reason)
            ) from exc
        except ImageError as exc:
            raise ImageError(f"{file.name}: {exc}") from exc

    def path(self, name: str) -> Path:
        """Where the image called ``name`` is (or would be) kept."""
        if not is_image_name(name):
            raise ImageError(
                tr("“{name}” is not the name of a stored image.", _CONTEXT).replace("{name}", name)
            )
        return self.folder / name

    def read(self, name: str) -> bytes:
        """The bytes of a stored image; ImageError when it is gone."""
        try:
            return self.path(name).read_bytes()
        except OSError as exc:
            raise ImageError(
                tr("The attached image {name} is missing from {folder}.", _CONTEXT)
                .replace("{name}", name)
                .replace("{folder}", str(self.folder))
            ) from exc

    def info(self, name: str) -> ImageInfo:
        """Type, pixel size and byte size of a stored image."""
        data = self.read(name)
        mime, width, height = sniff(data)
        return ImageInfo(name, mime, width, height, len(data))

    def data_url(self, name: str) -> str:
        """``data:image/png;base64,…`` for a stored image (how the chat API takes images)."""
        data = self.read(name)
        mime = sniff(data)[0]
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _sha256(data: bytes) -> str:
    import hashlib  # not at start-up (mode files with image fields are read before the first paint)

    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# -- messages ----------------------------------------------------------------------------------


def image_names(values: Iterable[object]) -> list[str]:
    """The image names in field values (lists of names), in order, each once."""
    names: list[str] = []
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        names += [str(item) for item in items if is_image_name(item) and item not in names]
    return names


def with_images(
    messages: list[dict[str, Any]], names: Sequence[str], store: ImageStore
) -> list[dict[str, Any]]:
    """The messages with the images added to the last user message as ``image_url`` parts."""
    if not names:
        return messages
    last = max(i for i, message in enumerate(messages) if message.get("role") == "user")
    text = messages[last].get("content")
    parts: list[dict[str, Any]] = [{"type": "text", "text": text if isinstance(text, str) else ""}]
    parts += [{"type": "image_url", "image_url": {"url": store.data_url(name)}} for name in names]
    result = list(messages)
    result[last] = {**messages[last], "content": parts}
    return result


def _image_parts(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if not isinstance(content, list):
        return []
    return [part for part in content if isinstance(part, dict) and part.get("type") == "image_url"]


def message_text(content: object) -> str:
    """The text of a message's content (a string, or the text parts of a list of parts)."""
    if isinstance(content, list):
        return "\n".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and "text" in part
        )
    return "" if content is None else str(content)


def stored_messages(messages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The messages as the history keeps them: each image's data URL replaced by a reference
    to its stored file (``assistant-image:<sha256>.<ext>``)."""
    return [_map_image_urls(message, _reference) for message in messages]


def resolved_messages(
    messages: Iterable[Mapping[str, Any]], store: ImageStore
) -> list[dict[str, Any]]:
    """Stored messages with their references turned back into data URLs (to send them again)."""

    def resolve(url: str) -> str:
        return store.data_url(url.removeprefix(REF_SCHEME)) if url.startswith(REF_SCHEME) else url

    return [_map_image_urls(message, resolve) for message in messages]


def referenced_images(messages: Iterable[Mapping[str, Any]]) -> list[str]:
    """The stored image names referred to by (stored) messages."""
    names = []
    for message in messages:
        for part in _image_parts(message):
            url = str((part.get("image_url") or {}).get("url", ""))
            if url.startswith(REF_SCHEME):
                names.append(url.removeprefix(REF_SCHEME))
    return names


def _reference(url: str) -> str:
    found = _DATA_URL.match(url)
    if found is None:
        return url
    try:
        data = base64.b64decode(found.group(2), validate=False)
    except (binascii.Error, ValueError):
        return url
    extension = EXTENSIONS.get(found.group(1), "png")
    return f"{REF_SCHEME}{_sha256(data)}.{extension}"


def _map_image_urls(message: Mapping[str, Any], change: Any) -> dict[str, Any]:
    content = message.get("content")
    if not isinstance(content, list):
        return dict(message)
    parts = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "image_url":
            image_url = dict(part.get("image_url") or {})
            image_url["url"] = change(str(image_url.get("url", "")))
            part = {**part, "image_url": image_url}
        parts.append(part)
    return {**message, "content": parts}
