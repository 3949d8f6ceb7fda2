"""A mode's image field: screenshots pasted, dropped or opened, shown as thumbnails with their size.

The images go to the image store (``core/prompts/images.py``: downscaled to at most 2048 px, kept
once by content); the field's value is the list of their names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QMimeData, QSize, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.qt_keys import set_keys

if TYPE_CHECKING:  # the image store: the first image attached or shown
    from PySide6.QtGui import QImage, QPixmap  # their types: made at the first image

    from assistant.core.prompts.images import ImageInfo, ImageStore

THUMB_HEIGHT = 72
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def local_files(mime: QMimeData | None) -> list[Path]:
    """The local files of a drag or of the clipboard."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def image_files(paths: Iterable[Path]) -> list[Path]:
    """The paths that name PNG, JPEG or WebP files (by their extension)."""
    return [path for path in paths if path.suffix.lower() in IMAGE_SUFFIXES]


def new_images_problem(field: ImageField | None, sent: Iterable[Mapping[str, Any]]) -> str:
    """Why the images in ``field`` cannot go with a chat's next message ('' when none are new).

    A conversation's images are those of its first message (``sent``: its stored messages);
    images added since are not sent silently: the person is told to start a new chat.
    """
    from assistant.core.prompts.images import referenced_images

    kept = set(referenced_images(sent))
    if field is None or all(name in kept for name in field.names()):
        return ""
    return QCoreApplication.translate(
        "ImageField",
        "Images go with the first message of a chat, and this conversation has its own. "
        "Press New chat to send these images, or remove them to go on.",
    )


class ImageField(QWidget):
    """Thumbnails of the attached images (each with its size and a remove button), Paste and
    Open… buttons; takes Ctrl+V and drops."""

    sig_changed = Signal()
    """An image was added or removed."""
    sig_status = Signal(str)
    """A line for the status bar (what was attached, or why an image was refused)."""

    def __init__(
        self,
        maximum: int | None = None,
        store: ImageStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.maximum = maximum
        self._store = store
        self._infos: list[ImageInfo] = []
        self._problem = ""  # why the last image was refused
        self.setAcceptDrops(True)
        set_keys(self, "focusPolicy", "StrongFocus")  # takes Ctrl+V
        self.thumbs = QWidget()
        self.thumbs.setObjectName("imageThumbs")
        self._row = QHBoxLayout(self.thumbs)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(self.thumbs)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFixedHeight(THUMB_HEIGHT + 44)
        self.thumb_area = scroll
        self.hint = QLabel(
            self.tr("Paste a screenshot (Ctrl+V), drop one here, or open a PNG, JPEG or WebP.")
        )
        self.hint.setWordWrap(True)
        self.hint.setObjectName("imageHint")
        self.paste_button = QPushButton(self.tr("Paste"))
        self.paste_button.setObjectName("pasteImage")
        self.paste_button.setToolTip(self.tr("Attach the image on the clipboard"))
        self.paste_button.clicked.connect(self.paste)
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.setObjectName("openImage")
        self.open_button.setToolTip(self.tr("Attach PNG, JPEG or WebP files"))
        self.open_button.clicked.connect(self.open_files)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.paste_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel()
        self.note.setObjectName("visionNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b35900;")
        self.note.setVisible(False)
        layout.addLayout(buttons)
        layout.addWidget(scroll)
        layout.addWidget(self.note)
        self._refresh()

    @property
    def store(self) -> ImageStore:
        if self._store is None:
            from assistant.core.prompts.images import ImageStore

            self._store = ImageStore.default()
        return self._store

    # --- value ---------------------------------------------------------------------------------

    def names(self) -> list[str]:
        """The names of the attached images, in order."""
        return [info.name for info in self._infos]

    def set_names(self, names: object) -> None:
        """Show these stored images (a draft or a history record); missing ones are named."""
        from assistant.core.prompts.images import ImageError, is_image_name

        items = names if isinstance(names, list | tuple) else []
        infos, missing = [], []
        for name in items:
            if not is_image_name(name):
                continue
            try:
                infos.append(self.store.info(name))
            except ImageError:
                missing.append(name)
        if [info.name for info in infos] == self.names():
            return
        self._infos = infos
        self._refresh()
        self.sig_changed.emit()
        if missing:
            self.sig_status.emit(
                self.tr("{0} attached image(s) are no longer in {1}.").format(
                    len(missing), self.store.folder
                )
            )

    def set_note(self, text: str | None) -> None:
        """A warning under the thumbnails (the provider cannot take images), or none."""
        self.note.setText(text or "")
        self.note.setVisible(bool(text))

    # --- adding and removing -------------------------------------------------------------------

    def add_bytes(self, data: bytes) -> ImageInfo | None:
        """Attach encoded image bytes (PNG, JPEG or WebP); None (and a status line) if refused."""
        from assistant.ui.image_codec import qt_scaler

        return self._add(lambda: self.store.add(data, qt_scaler))

    def add_file(self, path: Path | str) -> ImageInfo | None:
        """Attach an image file; None (and a status line) if refused."""
        from assistant.ui.image_codec import qt_scaler

        return self._add(lambda: self.store.add_file(path, qt_scaler))

    def add_image(self, image: QImage) -> ImageInfo | None:
        """Attach a decoded image (from the clipboard), as PNG."""
        from assistant.ui.image_codec import store_qimage

        return self._add(lambda: store_qimage(self.store, image))

    def _add(self, store_it: Callable[[], ImageInfo]) -> ImageInfo | None:
        from assistant.core.prompts.images import ImageError

        if self.maximum is not None and len(self._infos) >= self.maximum:
            self._problem = self.tr("At most {0} images can be attached.").format(self.maximum)
            self.sig_status.emit(self._problem)
            return None
        try:
            info = store_it()
        except ImageError as exc:
            self._problem = str(exc)
            self.sig_status.emit(self._problem)
            return None
        if info.name in self.names():
            self.sig_status.emit(self.tr("That image is already attached."))
            return info
        self._infos.append(info)
        self._refresh()
        self.sig_changed.emit()
        self.sig_status.emit(self.tr("Attached an image: {0}.").format(info.describe()))
        return info

    def add_files(self, paths: Sequence[Path | str]) -> bool:
        """Attach image files; for several, one status line sums them up and names the first
        refused one (else its reason would be replaced by the next file's at once)."""
        if len(paths) < 2:
            return any([self.add_file(path) is not None for path in paths])
        refused: list[str] = []
        for path in paths:
            if self.add_file(path) is None:
                name = Path(path).name
                problem = self._problem
                refused.append(problem if name in problem else f"{name}: {problem}")
        attached = len(paths) - len(refused)
        if refused:
            text = self.tr("Attached {0} of {1} images. {2}")
            self.sig_status.emit(text.format(attached, len(paths), refused[0]))
        else:
            self.sig_status.emit(self.tr("Attached {0} images.").format(attached))
        return attached > 0

    def remove(self, name: str) -> None:
        """Detach one image (the stored file stays: the history may refer to it)."""
        self._infos = [info for info in self._infos if info.name != name]
        self._refresh()
        self.sig_changed.emit()

    def paste(self) -> bool:
        """Attach the clipboard's image, or the image files it holds; False when it has none."""
        mime = QGuiApplication.clipboard().mimeData()
        return self.add_from_mime(mime)

    def add_from_mime(self, mime: QMimeData | None) -> bool:
        """Attach the image files, or else the image, of a drop or the clipboard."""
        files = image_files(local_files(mime))
        if files:
            return self.add_files(files)
        if mime is not None and mime.hasImage():
            from PySide6.QtGui import QImage, QPixmap

            image = mime.imageData()
            if isinstance(image, QPixmap):
                image = image.toImage()
            if isinstance(image, QImage) and not image.isNull():
                return self.add_image(image) is not None
        self.sig_status.emit(self.tr("The clipboard holds no image."))
        return False

    def open_files(self) -> None:
        """Choose image files to attach."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Attach images"), "", self.tr("Images (*.png *.jpg *.jpeg *.webp)")
        )
        self.add_files(paths)

    # --- events --------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            return
        super().keyPressEvent(event)

    def takes(self, mime: QMimeData | None) -> bool:
        """True when a drop holds image files or an image."""
        return mime is not None and bool(image_files(local_files(mime)) or mime.hasImage())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.takes(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.add_from_mime(event.mimeData()):
            event.acceptProposedAction()

    # --- thumbnails ----------------------------------------------------------------------------

    def _refresh(self) -> None:
        while self._row.count() > 1:
            item = self._row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # gone from the children now, deleted later
                widget.deleteLater()
        for index, info in enumerate(self._infos):
            self._row.insertWidget(index, self._thumbnail(info))
        self.thumb_area.setVisible(bool(self._infos))

    def _thumbnail(self, info: ImageInfo) -> QWidget:
        box = QFrame()
        box.setObjectName("imageThumb")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        picture = QLabel()
        from PySide6.QtGui import QPixmap

        pixmap = QPixmap(str(self.store.path(info.name)))
        if not pixmap.isNull():
            picture.setPixmap(_thumbnail_pixmap(pixmap))
        picture.setToolTip(str(self.store.path(info.name)))
        size = QLabel(info.describe())
        size.setObjectName("imageSize")
        remove = QToolButton()
        remove.setObjectName("removeImage")
        remove.setText("×")
        remove.setToolTip(self.tr("Remove this image"))
        remove.setAccessibleName(self.tr("Remove image"))
        remove.clicked.connect(lambda _=False, name=info.name: self.remove(name))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(size, 1)
        top.addWidget(remove)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.addLayout(top)
        layout.addWidget(picture)
        return box

    def sizeHint(self) -> QSize:
        return QSize(320, THUMB_HEIGHT + 80 if self._infos else 40)


def _thumbnail_pixmap(pixmap: QPixmap) -> QPixmap:
    from PySide6.QtCore import Qt

    return pixmap.scaledToHeight(THUMB_HEIGHT, Qt.TransformationMode.SmoothTransformation)
