"""Pixels through Qt's QImage: the downscaler of the image store, and clipboard images as PNG.

Used by the window and by ``assistant run --image`` (QImage needs no application object, so the
command line does not open a window).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageReader

from assistant.core.prompts.images import MAX_SIDE, ImageInfo, ImageStore

_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
_QUALITY = {"PNG": -1, "JPEG": 90, "WEBP": 90}


def qt_scaler(data: bytes, mime: str, max_side: int) -> bytes:
    """Decode, shrink so no side exceeds ``max_side`` (smooth, aspect kept), encode as ``mime``."""
    source = QBuffer()
    source.setData(QByteArray(data))
    source.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(source)
    reader.setAutoTransform(True)  # a phone photo's EXIF orientation: upright once re-encoded
    image = reader.read()
    if image.isNull():
        raise ValueError(reader.errorString() or "Qt cannot decode this image")
    return encode(_shrunk(image, max_side), _FORMATS.get(mime, "PNG"))


def encode(image: QImage, fmt: str = "PNG") -> bytes:
    """``image`` as PNG, JPEG or WEBP bytes."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 takes the format as str at run time; its stubs say bytes
    if not image.save(buffer, fmt, _QUALITY.get(fmt, -1)):  # type: ignore[call-overload]
        raise ValueError(f"Qt cannot write {fmt}")
    buffer.close()
    return bytes(array.data())


def store_qimage(store: ImageStore, image: QImage) -> ImageInfo:
    """Keep a pasted image (as PNG, downscaled to :data:`MAX_SIDE`)."""
    return store.add(encode(_shrunk(image, MAX_SIDE), "PNG"), qt_scaler)


def _shrunk(image: QImage, max_side: int) -> QImage:
    """``image`` scaled down (smoothly, aspect kept) so that no side exceeds ``max_side``."""
    if max(image.width(), image.height()) <= max_side:
        return image
    from PySide6.QtCore import Qt

    aspect, smooth = Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    return image.scaled(max_side, max_side, aspect, smooth)
