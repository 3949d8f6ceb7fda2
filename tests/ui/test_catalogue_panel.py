"""The catalogue in the Models dialog: fit labels, and downloads against a loopback Hub with
pause / resume / cancel; a downloaded model reaches the toolbar's picker at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.config.store import SettingsStore
from assistant.core.engine.catalogue import CatalogueModel, load_catalogue, plan_for_model
from assistant.core.engine.download import partial_path, target_path
from assistant.ui.catalogue_panel import CataloguePanel, spec_of
from assistant.ui.main_window import MainWindow
from assistant.ui.models_dialog import ModelsDialog
from tests.fakeserver import FakeOpenAIServer
from tests.hubserver import FakeHub, fake_gguf
from tests.ui.windows import open_window

GIB = 1 << 30
SIZE = 3_000_000
FIT, STATUS = 5, 6


def unchecked_model() -> CatalogueModel:
    """A catalogue model without a sha256 of its own (the loopback Hub's sha256 is used)."""
    return next(m for m in load_catalogue().models if not m.sha256)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    with FakeHub() as server:
        model = unchecked_model()
        server.add(model.repo, model.file, fake_gguf(SIZE, name="Catalogue Download"))
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        yield server


def make_panel(qtbot: QtBot, available: int | None = None, local_only: bool = False) -> Any:
    panel = CataloguePanel(lambda: 4096, lambda: local_only, available=available)
    qtbot.addWidget(panel)
    return panel


def row_of(panel: CataloguePanel, model: CatalogueModel) -> int:
    return [m.id for m in panel.models].index(model.id)


def test_every_model_has_a_fit_label_with_the_numbers_on_hover(qtbot: QtBot) -> None:
    panel = make_panel(qtbot, available=3 * GIB)
    catalogue = load_catalogue().models

    assert panel.table.rowCount() == len(catalogue)
    labels = [panel.table.item(row, FIT).text() for row in range(len(catalogue))]
    assert labels == [plan_for_model(m, 4096, 3 * GIB).fit for m in catalogue]
    assert {"fits", "tight", "too big"} <= set(labels)
    tip = panel.table.item(labels.index("too big"), FIT).toolTip()
    assert tip.startswith("needs ") and "KV cache" in tip and "3.0 GiB available" in tip
    colours = {panel.table.item(r, FIT).foreground().color().name() for r in range(len(labels))}
    assert {"#1b7f3b", "#9a6700", "#b3261e"} == colours


def test_an_own_catalogue_that_is_ignored_is_said_under_the_table(
    qtbot: QtBot, app_home: Any
) -> None:
    from assistant.core.engine.catalogue import user_catalogue_path

    path = user_catalogue_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[[models]]\nid = 'mine'\n", encoding="utf-8")
    panel = make_panel(qtbot)
    assert panel.note.text().startswith(f"Your catalogue {path} was ignored")
    assert panel.table.rowCount() == len(load_catalogue().models)


def test_download_shows_progress_and_the_model_is_registered(qtbot: QtBot, hub: FakeHub) -> None:
    panel = make_panel(qtbot)
    model = unchecked_model()
    panel.select(model.id)
    assert panel.download_button.text() == "Download" and panel.download_button.isEnabled()
    steps: list[Any] = []
    panel.downloader.sig_progress.connect(steps.append)

    with qtbot.waitSignal(panel.sig_downloaded, timeout=30_000) as done:
        panel.download_button.click()

    assert done.args == [str(target_path(spec_of(model)))]
    assert steps and steps[-1].done == SIZE
    assert panel.table.item(row_of(panel, model), STATUS).text() == "downloaded"
    assert panel.download_button.text() == "Downloaded"
    assert not panel.download_button.isEnabled()
    assert panel.progress.message.text().startswith("Downloaded and checked: ")
    assert panel.progress.bar.value() == 1000


def test_pause_keeps_the_bytes_and_resume_fetches_the_rest(qtbot: QtBot, hub: FakeHub) -> None:
    hub.stall_after = SIZE // 2
    panel = make_panel(qtbot)
    model = unchecked_model()
    panel.select(model.id)
    panel.download_button.click()
    qtbot.waitUntil(lambda: panel.progress.bar.value() == 500, timeout=30_000)
    assert "MB/s" in panel.progress.message.text() or "kB/s" in panel.progress.message.text()
    assert " left" in panel.progress.message.text()

    with qtbot.waitSignal(panel.downloader.sig_failed, timeout=30_000) as stopped:
        panel.progress.pause_button.click()
        hub.go_on.set()  # the next bytes arrive, and the download stops before writing them

    assert stopped.args[1] is True and "is paused" in stopped.args[0]
    kept = partial_path(spec_of(model)).stat().st_size
    assert kept == SIZE // 2
    assert panel.progress.resume_button.isVisibleTo(panel)
    assert panel.table.item(row_of(panel, model), STATUS).text().startswith("paused at ")
    assert panel.download_button.text() == "Resume download"

    with qtbot.waitSignal(panel.sig_downloaded, timeout=30_000):
        panel.progress.resume_button.click()

    assert hub.served[-1].range == f"bytes={kept}-" and hub.served[-1].sent == SIZE - kept


def test_cancel_deletes_what_was_fetched(qtbot: QtBot, hub: FakeHub) -> None:
    hub.stall_after = SIZE // 2
    panel = make_panel(qtbot)
    model = unchecked_model()
    panel.select(model.id)
    panel.download_button.click()
    qtbot.waitUntil(lambda: panel.progress.bar.value() == 500, timeout=30_000)

    with qtbot.waitSignal(panel.downloader.sig_failed, timeout=30_000) as stopped:
        panel.progress.cancel_button.click()
        hub.go_on.set()

    assert stopped.args == [f"The download of {model.file} was cancelled.", False]
    assert not partial_path(spec_of(model)).exists()
    assert panel.download_button.text() == "Download"


def test_local_only_refuses_in_the_panel(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    panel = make_panel(qtbot, local_only=True)
    panel.select(unchecked_model().id)

    with qtbot.waitSignal(panel.downloader.sig_failed, timeout=10_000) as refused:
        panel.download_button.click()

    assert refused.args[0].startswith("Local only is on: downloading ")
    assert panel.progress.message.text() == refused.args[0]


def test_a_download_in_the_models_dialog_reaches_the_toolbar_picker_at_once(
    qtbot: QtBot, hub: FakeHub, openai_server: FakeOpenAIServer, no_keyring: Any
) -> None:
    window: MainWindow = open_window(qtbot, Settings(welcome_done=True))
    store: SettingsStore = window.settings_qt.store
    dialog = ModelsDialog(store, window)
    qtbot.addWidget(dialog)
    model = unchecked_model()
    picker = window.provider_bar.model_combo
    assert [picker.itemData(i) for i in range(picker.count())] == [""]  # nothing installed

    dialog.catalogue.select(model.id)
    with qtbot.waitSignal(dialog.catalogue.sig_downloaded, timeout=30_000):
        dialog.catalogue.download_button.click()

    path = str(target_path(spec_of(model)))
    qtbot.waitUntil(lambda: [picker.itemData(i) for i in range(picker.count())] == [path])
    assert picker.itemText(0) == model.file.removesuffix(".gguf")
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == [
        model.file.removesuffix(".gguf")
    ]
    dialog.reject()
    window.close()


def test_removing_a_downloaded_model_deletes_its_file_and_offers_it_again(
    qtbot: QtBot, hub: FakeHub
) -> None:
    dialog = ModelsDialog(SettingsStore(Settings()))
    qtbot.addWidget(dialog)
    model = unchecked_model()
    dialog.catalogue.select(model.id)
    with qtbot.waitSignal(dialog.catalogue.sig_downloaded, timeout=30_000) as done:
        dialog.catalogue.download_button.click()
    path = target_path(spec_of(model))
    assert done.args == [str(path)]

    assert dialog.remove_model(model.file.removesuffix(".gguf"))

    assert not path.exists() and dialog.table.rowCount() == 0
    assert dialog.catalogue.table.item(row_of(dialog.catalogue, model), STATUS).text() == ""
    dialog.catalogue.select(model.id)
    assert dialog.catalogue.download_button.text() == "Download"
    assert dialog.catalogue.download_button.isEnabled()


def test_a_refused_checksum_keeps_the_file_until_cancel_deletes_it(
    qtbot: QtBot, hub: FakeHub
) -> None:
    hub.corrupt = True
    panel = make_panel(qtbot)
    model = unchecked_model()
    panel.select(model.id)

    with qtbot.waitSignal(panel.downloader.sig_failed, timeout=30_000) as refused:
        panel.download_button.click()

    part = partial_path(spec_of(model))
    assert refused.args[1] is True and "does not match its checksum" in refused.args[0]
    assert part.stat().st_size == SIZE
    assert panel.progress.message.styleSheet() == "color: #b3261e;"
    assert panel.progress.resume_button.isVisibleTo(panel)
    assert panel.progress.cancel_button.isVisibleTo(panel)

    panel.progress.cancel_button.click()

    assert not part.exists()
    assert panel.progress.message.text() == "The partial download was deleted."
    assert panel.download_button.text() == "Download"


def answer_the_question(button: QMessageBox.StandardButton, asked: list[str]) -> None:
    """Once the question box is up, note its text and press ``button``."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, poll)
            return
        asked.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, poll)


def test_a_model_too_big_for_this_machine_is_downloaded_only_when_confirmed(
    qtbot: QtBot, hub: FakeHub
) -> None:
    panel = make_panel(qtbot, available=300 * (1 << 20))
    model = unchecked_model()
    panel.select(model.id)
    assert panel.table.item(row_of(panel, model), FIT).text() == "too big"
    asked: list[str] = []

    answer_the_question(QMessageBox.StandardButton.No, asked)
    panel.download_button.click()

    assert asked[0].startswith(f"{model.title} needs ") and "300 MiB available now" in asked[0]
    assert hub.heads == [] and not panel.downloader.running

    answer_the_question(QMessageBox.StandardButton.Yes, asked)
    with qtbot.waitSignal(panel.sig_downloaded, timeout=30_000):
        panel.download_button.click()
    assert len(asked) == 2
