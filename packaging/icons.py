"""Render the app icon (packaging/assistant.svg) to the PNG sizes of the hicolor icon theme.

Usage: ``python packaging/icons.py OUT_DIR`` writes ``OUT_DIR/<N>x<N>/apps/assistant.png`` for
every size and ``OUT_DIR/scalable/apps/assistant.svg``. Uses Qt's own SVG renderer (PySide6 is
in the build environment), so the build needs no image tool.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SVG = Path(__file__).resolve().parent / "assistant.svg"


def render(out: Path) -> list[Path]:
    """Write every size under ``out``; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out / f"{size}x{size}" / "apps" / "assistant.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        written.append(target)
    scalable = out / "scalable" / "apps" / "assistant.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, scalable)
    del app
    return [*written, scalable]


if __name__ == "__main__":
    for path in render(Path(sys.argv[1])):
        print(path)
