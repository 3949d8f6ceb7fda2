"""The banner for mode files that could not be loaded (file, line, reason, Open file), alone and
in the main window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.prompts.modes import ModeError, load_modes, user_modes_dir
from assistant.ui.mode_problems_banner import ModeProblemsBanner
from tests.ui.windows import open_window

GOOD = """title = "Haiku"
[prompt]
user = "Write a haiku about {{ subject }}."
[[fields]]
name = "subject"
"""


class OpenedUrls(QObject):
    """Receives the URLs QDesktopServices is asked to open for the file: scheme."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened() -> Iterator[OpenedUrls]:
    receiver = OpenedUrls()
    QDesktopServices.setUrlHandler("file", receiver, "open")
    yield receiver
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def broken_files(app_home: Path) -> Path:
    folder = user_modes_dir()
    assert folder.is_relative_to(app_home)
    folder.mkdir(parents=True)
    (folder / "fine.toml").write_text(GOOD, encoding="utf-8")
    (folder / "syntax.toml").write_text('title = "x"\n\ndescription = \n', encoding="utf-8")
    (folder / "typo.toml").write_text(GOOD.replace("[prompt]", "titel = 'x'\n[prompt]"))
    return folder


def shown_banner(qtbot: QtBot, problems: list[ModeError]) -> tuple[QWidget, ModeProblemsBanner]:
    """The banner in a shown window (keep the window referenced), as in the main window."""
    window = QWidget()
    qtbot.addWidget(window)
    banner = ModeProblemsBanner(problems)
    QVBoxLayout(window).addWidget(banner)
    window.show()
    qtbot.waitExposed(window)
    return window, banner


def texts(banner: ModeProblemsBanner) -> list[str]:
    return [label.text() for label in banner.findChildren(QLabel, "problem")]


def test_each_broken_file_is_named_with_its_line_and_reason(
    qtbot: QtBot, broken_files: Path, opened: OpenedUrls
) -> None:
    catalog = load_modes()
    _window, banner = shown_banner(qtbot, catalog.errors)

    assert "fine" in catalog and banner.isVisible()
    assert texts(banner) == [
        "Mode file “syntax.toml”, line 3: not valid TOML: Invalid value. This mode is skipped.",
        "Mode file “typo.toml”, line 2: unknown key(s) in mode: titel. This mode is skipped.",
    ]
    buttons = banner.findChildren(QPushButton, "open")
    assert [button.toolTip() for button in buttons] == [
        str(broken_files / "syntax.toml"),
        str(broken_files / "typo.toml"),
    ]
    qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    assert opened.urls == [QUrl.fromLocalFile(str(broken_files / "typo.toml"))]


def test_an_unreadable_file_has_no_line_and_dismiss_hides_the_banner(
    qtbot: QtBot, app_home: Path
) -> None:
    folder = user_modes_dir()
    folder.mkdir(parents=True)
    (folder / "binary.toml").write_bytes(b"\xff\xfe\x00")
    _window, banner = shown_banner(qtbot, load_modes().errors)

    [text] = texts(banner)
    assert text.startswith("Mode file “binary.toml”: cannot read the file: ")
    with qtbot.waitSignal(banner.sig_dismissed):
        qtbot.mouseClick(banner.findChild(QToolButton, "dismiss"), Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


def test_no_problems_no_banner(qtbot: QtBot) -> None:
    _window, banner = shown_banner(qtbot, load_modes().errors)
    assert not banner.isVisible() and texts(banner) == []
    banner.set_problems(load_modes(include_user=False).errors)
    assert not banner.isVisible()


def test_the_window_shows_the_banner_for_a_broken_mode_file(
    qtbot: QtBot, broken_files: Path, opened: OpenedUrls
) -> None:
    window = open_window(qtbot, Settings())

    banner = window.findChild(ModeProblemsBanner)
    assert banner is not None and banner.isVisible()
    assert [Path(problem.source).name for problem in banner.problems] == [
        "syntax.toml",
        "typo.toml",
    ]
    assert texts(banner)[0] == (
        "Mode file “syntax.toml”, line 3: not valid TOML: Invalid value. This mode is skipped."
    )
    assert "fine" in window.services.modes and "typo" not in window.services.modes
    qtbot.mouseClick(banner.findChildren(QPushButton, "open")[0], Qt.MouseButton.LeftButton)
    assert opened.urls == [QUrl.fromLocalFile(str(broken_files / "syntax.toml"))]


def test_the_window_has_no_banner_when_every_mode_file_loads(qtbot: QtBot) -> None:
    window = open_window(qtbot, Settings())
    assert window.findChild(ModeProblemsBanner) is None
