"""Several image files dropped at once: the status line sums them up, and a file that was
refused stays named there (it is not replaced by the next file's "Attached an image")."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel

from assistant.ui.image_codec import encode
from assistant.ui.main_window import MainWindow
from tests.ui.test_image_input import drop_files, images_of, picture, window  # noqa: F401


def _status(win: MainWindow) -> str:
    QApplication.processEvents()
    label = win.status_label
    assert isinstance(label, QLabel)
    return label.text()


def test_a_refused_file_among_several_stays_in_the_status_line(
    window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 10)
    good = tmp_path / "good.png"
    good.write_bytes(encode(picture(40, 30), "PNG"))
    assert drop_files(images_of(window), broken, good)
    assert len(images_of(window).names()) == 1
    status = _status(window)
    assert "1 of 2" in status and "broken.png" in status, status


def test_two_good_files_are_counted(window: MainWindow, tmp_path: Path) -> None:  # noqa: F811
    paths = [tmp_path / f"{n}.png" for n in ("one", "two")]
    for number, path in enumerate(paths):
        path.write_bytes(encode(picture(20 + number, 10), "PNG"))
    assert drop_files(images_of(window), *paths)
    assert len(images_of(window).names()) == 2
    assert _status(window) == "Attached 2 images."
