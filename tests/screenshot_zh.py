"""Screenshots of the 简体中文 UI for the README.

`QT_QPA_PLATFORM=offscreen python -m tests.screenshot_zh OUT.png [main|providers|menu]` runs the
real window (or Settings → Providers) with the zh_CN catalogue installed the way the app does
(``app._install_translations`` with Settings language "zh_CN"), in a fresh app folder, on the
loopback server: ``main`` is the Summarize mode with Chinese text and its answer; ``providers`` the
Providers dialog with a DeepSeek profile; ``menu`` the window with its Modes menu open.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar

from tests.fakeserver import FakeOpenAIServer
from tests.fixtures.loopback_window import shown_window
from tests.fixtures.screenshots import save_shot, shot_settings
from tests.screenshot_providers import preset_dialog

TEXT = """\
过去一年，团队把发布周期从每月一次缩短到每周一次。主要做法有三条：所有改动都经过代码评审；\
测试在每次提交时自动运行，失败就不能合并；发布说明由提交记录自动生成。
副作用也有：评审排队的时间变长了，周五下午的发布常常拖到晚上。下个季度打算把评审分给更多人，\
并且不在周五发布。"""

ANSWER = """## 要点

- 发布周期从**每月一次**缩短到**每周一次**。
- 三项做法：所有改动都经代码评审；每次提交自动运行测试，失败不能合并；发布说明自动生成。
- 问题：评审排队变长，周五的发布常拖到晚上。
- 下季度：增加评审人，周五不发布。
"""


def main() -> int:
    args = sys.argv[1:]
    out = args[0] if args else "zh-main.png"
    what = args[1] if len(args) > 1 else "main"
    os.environ["ASSISTANT_HOME"] = tempfile.mkdtemp(prefix="assistant-shot-")
    app = QApplication(sys.argv[:1])
    from assistant.app import _install_translations

    _install_translations(app, "zh_CN")
    server = FakeOpenAIServer().start()
    server.reply = ANSWER
    server.delta_size = 4
    try:
        return providers(out) if what == "providers" else window(app, out, server, what)
    finally:
        server.stop()


def providers(out: str) -> int:
    """Settings → Providers with a profile made from the DeepSeek preset."""
    save_shot(preset_dialog("deepseek"), out)
    return 0


def window(app: QApplication, out: str, server: FakeOpenAIServer, what: str) -> int:
    """The main window on Summarize, its answer written; with ``menu`` the Modes menu open."""
    settings = shot_settings(server.base_url, "summarize", "DeepSeek", "deepseek-chat")
    settings.language = "zh_CN"
    main_window = shown_window(settings, (1280, 760))
    editor = main_window.current_form().main_editor()
    assert editor is not None
    editor.setPlainText(TEXT)
    main_window.generate()
    started = time.monotonic()

    def shoot() -> None:
        picture = main_window.grab()
        if what == "menu":
            picture = with_menu(main_window.menuBar(), picture)
        picture.save(out)
        print(out)
        main_window.close()
        app.quit()

    def poll() -> None:
        done = main_window.answer_area.current_text() == ANSWER and server.requests
        if done or time.monotonic() - started > 60:
            QTimer.singleShot(300, shoot)  # the status line settles
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return app.exec()


def with_menu(bar: QMenuBar, picture: QPixmap) -> QPixmap:
    """``picture`` with the menu bar's Modes menu drawn open under its title."""
    action = next(a for a in bar.actions() if a.menu() and "(&M)" in a.text())
    menu = action.menu()
    assert isinstance(menu, QMenu)
    corner = bar.mapTo(bar.window(), bar.actionGeometry(action).bottomLeft())
    menu.popup(bar.mapToGlobal(bar.actionGeometry(action).bottomLeft()))
    QApplication.processEvents()
    shot = menu.grab()
    menu.hide()
    painter = QPainter(picture)
    painter.drawPixmap(QPoint(corner.x(), corner.y()), shot)
    painter.end()
    return picture


if __name__ == "__main__":
    raise SystemExit(main())
