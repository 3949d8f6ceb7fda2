"""The QImage downscaler of the image store: formats kept, aspect kept, photos upright."""

from __future__ import annotations

import struct

import pytest
from PySide6.QtGui import QImage

from assistant.core.prompts.images import sniff
from assistant.ui.image_codec import encode, qt_scaler


def picture(width: int, height: int) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    return image


@pytest.mark.parametrize(
    ("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_downscaled_in_its_own_format_with_its_aspect(fmt: str, mime: str) -> None:
    shrunk = qt_scaler(encode(picture(4096, 1024), fmt), mime, 2048)
    assert sniff(shrunk) == (mime, 2048, 512)


def test_a_rotated_phone_photo_comes_out_upright() -> None:
    photo = encode(picture(3000, 1000), "JPEG")
    entry = struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0)  # EXIF orientation 6: turn 90° clockwise
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">H", 1) + entry + b"\x00" * 4
    app1 = b"\xff\xe1" + struct.pack(">H", 8 + len(tiff)) + b"Exif\x00\x00" + tiff
    assert sniff(qt_scaler(photo[:2] + app1 + photo[2:], "image/jpeg", 2048))[1:] == (682, 2048)


def test_undecodable_data_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        qt_scaler(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "image/png", 2048)
