"""Wiring: builds settings, key store, modes, providers, history and the main window.

This is the only module where core objects and widgets meet. Nothing slow (openai, the engine, a
history scan) runs before the window is shown.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from assistant import APP_DISPLAY_NAME, APP_NAME, __version__
from assistant.core.base import i18n
from assistant.core.config.settings import Settings
from assistant.ui.quit_signal import quit_on_terminate

DAY_S = 24 * 3600
GC_AFTER_MS = 3000
"""The latest the garbage collector comes back on when the window is never painted (minimised)."""

if TYPE_CHECKING:
    from assistant.core.storage.history import HistoryStore
    from assistant.ui.main_window import MainWindow


def _install_translations(app: QApplication, language: str) -> None:
    """Load Qt's own and our translations for the UI language (system locale by default)."""
    locale = QLocale(language) if language else QLocale.system()
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
    from assistant.core.base.resources import resource_path

    ours = QTranslator(app)
    with resource_path("i18n") as path:
        if ours.load(locale, APP_NAME, "_", str(path)):
            app.installTranslator(ours)
    i18n.install(lambda context, text: QCoreApplication.translate(context, text))
    i18n.set_language(locale.name())


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_NAME)
    return app


def set_app_icon() -> None:
    """The windows' icon (once the main window is painted: ``QIcon``'s type alone is ~10 M
    instructions, callgrind, and the platform may render the SVG at several sizes)."""
    from importlib.resources import files

    from PySide6.QtGui import QIcon

    app = QApplication.instance()
    if isinstance(app, QApplication) and app.windowIcon().isNull():
        app.setWindowIcon(QIcon(str(files("assistant") / "resources" / "assistant.svg")))


def build_window(settings: Settings | None = None) -> MainWindow:
    """Create the core services and the main window over them (the app must exist)."""
    from assistant.core.config.store import SettingsStore
    from assistant.core.prompts.modes import load_modes
    from assistant.core.providers.secrets import KeyStore
    from assistant.core.work.endpoints import keep_proxy_credentials_in, resolver_for
    from assistant.ui.generation_controller import GenerationController
    from assistant.ui.main_window import MainWindow, Services

    settings = settings or Settings.load()
    keys = KeyStore()
    keep_proxy_credentials_in(keys, settings)
    resolver = resolver_for(settings, keys)
    history = _open_history()
    purge_deleted_later(history, settings.purge_deleted_days)
    controller = GenerationController(resolver, history, stop_loops=lambda: settings.stop_loops)
    store = SettingsStore(settings)
    modes = load_modes()
    window = MainWindow(Services(store, keys, modes, resolver, controller, history))
    controller.setParent(window)
    if modes.errors:  # the person's mode files that were skipped: say which, where and why
        from assistant.ui.mode_problems_banner import ModeProblemsBanner, place_above_central

        place_above_central(window, ModeProblemsBanner(modes.errors))
    return window


def _open_history() -> HistoryStore:
    """The history database; on any problem a memory store that says why (never raises)."""
    from assistant.core.storage.history import HistoryStore

    return HistoryStore.open()


def purge_deleted_later(history: HistoryStore, days: int) -> threading.Thread:
    """Forget records soft-deleted more than ``days`` days ago, in a thread (never the GUI's)."""
    from assistant.core.storage.history import HistoryError

    def purge() -> None:
        with contextlib.suppress(HistoryError):  # busy or unusable: the next start tries again
            history.purge_deleted(older_than_s=days * DAY_S)

    thread = threading.Thread(target=purge, name="history-purge", daemon=True)
    thread.start()
    return thread


def _after_first_paint(window: MainWindow) -> None:
    """Once the window is on screen: the garbage collector back on, the window icon, the welcome
    page on a first run, and what the first Generate would wait for (imports, the system keyring,
    compiled templates, the TLS context) prepared in the background."""
    from assistant.ui import warm_up

    services = window.services
    painted = False

    def once_painted() -> None:
        from assistant.core.prompts.request import prepare_templates
        from assistant.core.providers.connection import prepare_tls

        nonlocal painted
        painted = True
        gc.enable()  # before the warm-up, which pauses it again while it imports
        set_app_icon()
        calls = [
            lambda: services.keys.backend_available,
            lambda: prepare_templates(services.modes.values()),
            prepare_tls,
        ]
        warm_up.import_in_background(warm_up.FIRST_GENERATE_MODULES, calls)

    def never_painted() -> None:
        if not painted:
            gc.enable()
            set_app_icon()  # a window started minimised still shows it in the task bar

    warm_up.after_first_paint(window, once_painted)
    QTimer.singleShot(GC_AFTER_MS, never_painted)
    warm_up.after_first_paint(window, window.provider_bar.show_welcome_if_first_run)
    warm_up.after_first_paint(window, window.check_ui_glyphs)
    warm_up.after_first_paint(window, window.mode_panel.settle_headers)


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up makes tens of thousands of objects and frees few: the collector would only walk them
    # again and again (python -X importtime, gc.callbacks: ~10 ms before the first paint).
    gc.disable()
    app = create_app(argv)
    quit_on_terminate(app)
    settings = Settings.load()
    _install_translations(app, settings.language)
    window = build_window(settings)
    window.show()
    _after_first_paint(window)
    code = app.exec()
    window.services.resolver.shutdown()
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
