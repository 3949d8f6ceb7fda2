"""Settings → Models: real GGUF files (written with the gguf package), real registry, real pip."""

from __future__ import annotations

import json
from pathlib import Path

import gguf
import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings, settings_path
from assistant.core.config.store import SettingsStore
from assistant.core.engine import local_engine, models
from assistant.ui.models_dialog import ModelsDialog, add_dropped_models, format_size

Q8_0 = 7  # llama.cpp's general.file_type for Q8_0


def write_tiny_gguf(
    path: Path, name: str = "Tiny Test", context: int = 2048, floats: int = 300_000
) -> Path:
    """A small but valid GGUF model file (header, metadata and one tensor)."""
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(name)
    writer.add_context_length(context)
    writer.add_file_type(Q8_0)
    writer.add_tensor("weights", np.zeros((floats,), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def place_default_model() -> Path:
    """Put a file where the built-in model goes: a valid GGUF header, padded to the known size.

    ``install_default`` then finds it installed (it checks the size) without any download.
    """
    target = models.models_dir() / models.DEFAULT_MODEL.file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    write_tiny_gguf(target, name="SmolLM2 135M Instruct", context=8192, floats=16)
    with open(target, "r+b") as file:
        file.truncate(models.DEFAULT_MODEL.size)
    return target


def dead_package_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip sees only an index on a closed local port (no network, no cache, no config file)."""
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_RETRIES", "0")


def cells(dialog: ModelsDialog, row: int) -> list[str]:
    return [dialog.table.item(row, column).text() for column in range(dialog.table.columnCount())]


def open_dialog(qtbot: QtBot, settings: Settings) -> ModelsDialog:
    dialog = ModelsDialog(SettingsStore(settings))
    qtbot.addWidget(dialog)
    return dialog


def test_lists_a_registered_model_with_its_metadata(qtbot: QtBot, tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "tiny-model.gguf")
    models.add_model(path)
    dialog = open_dialog(qtbot, Settings())
    assert dialog.table.rowCount() == 1
    assert cells(dialog, 0) == ["tiny-model", format_size(path.stat().st_size), "Q8_0", "2,048", ""]
    assert format_size(path.stat().st_size) == "1.2 MB"
    assert "Tiny Test" in dialog.table.item(0, 0).toolTip()


def test_use_this_model_sets_the_engine_model_and_marks_it(qtbot: QtBot, tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "tiny-model.gguf")
    models.add_model(path)
    settings = Settings()
    dialog = open_dialog(qtbot, settings)
    assert not dialog.use_button.isEnabled()
    dialog.select_model("tiny-model")
    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    assert settings.engine_model_path == str(path.resolve())
    assert cells(dialog, 0)[4] == "in use"


def test_remove_unregisters_and_resets_the_engine_model(qtbot: QtBot, tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "tiny-model.gguf")
    info = models.add_model(path)
    settings = Settings(engine_model_path=str(info.path))
    dialog = open_dialog(qtbot, settings)
    assert dialog.remove_model("tiny-model")
    assert dialog.table.rowCount() == 0
    assert models.list_models() == []
    assert settings.engine_model_path == ""
    assert path.is_file(), "the person's own file is never deleted"


def _drag_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def test_dropping_gguf_files_adds_them(qtbot: QtBot, tmp_path: Path) -> None:
    first = write_tiny_gguf(tmp_path / "first.gguf")
    second = write_tiny_gguf(tmp_path / "second.GGUF", context=4096)
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    dialog = open_dialog(qtbot, Settings())
    mime = _drag_mime(first, second, text)
    action = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(5, 5), action, mime, buttons, modifiers)
    dialog.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), action, mime, buttons, modifiers)
    dialog.dropEvent(drop)
    assert drop.isAccepted()
    assert [cells(dialog, row)[0] for row in range(dialog.table.rowCount())] == ["first", "second"]
    assert cells(dialog, 1)[3] == "4,096"
    assert dialog.selected_model() is not None and dialog.selected_model().name == "second"

    text_only = _drag_mime(text)  # the event does not keep its mime data alive
    only_text = QDragEnterEvent(QPoint(5, 5), action, text_only, buttons, modifiers)
    dialog.dragEnterEvent(only_text)
    assert not only_text.isAccepted()


def test_add_dropped_models_for_the_main_window(qtbot: QtBot, tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "dropped.gguf")
    added = add_dropped_models([str(path), str(tmp_path / "readme.md")], None)
    assert [m.name for m in added] == ["dropped"]
    assert [m.name for m in models.list_models()] == ["dropped"]


def test_failed_install_shows_the_reason_and_retry(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead_package_index(monkeypatch)
    dialog = open_dialog(qtbot, Settings())
    progress = dialog.install_progress
    assert not dialog.install_button.isHidden()
    with qtbot.waitSignal(dialog.installer.sig_failed, timeout=60_000) as failed:
        qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    message = failed.args[0]
    assert message.startswith("Could not download the built-in model")
    assert "retry" in message
    assert progress.message.text() == message
    assert not progress.retry_button.isHidden()
    assert progress.cancel_button.isHidden()
    assert dialog.install_button.isEnabled()

    place_default_model()  # as if the network came back and pip succeeded
    with qtbot.waitSignal(dialog.installer.sig_done, timeout=60_000):
        qtbot.mouseClick(progress.retry_button, Qt.MouseButton.LeftButton)
    assert cells(dialog, 0)[0] == models.DEFAULT_MODEL.name
    assert cells(dialog, 0)[1:4] == ["98.4 MB", "Q8_0", "8,192"]
    assert cells(dialog, 0)[4] == "in use, default"
    assert progress.retry_button.isHidden()
    assert dialog.install_button.isHidden()


def test_cancel_stops_the_install(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    dead_package_index(monkeypatch)
    dialog = open_dialog(qtbot, Settings())
    with qtbot.waitSignal(dialog.installer.sig_failed, timeout=60_000) as failed:
        dialog.install_default()
        qtbot.mouseClick(dialog.install_progress.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.installer.cancelled
    # pip may have failed before the cancel was seen; either way the person can retry.
    assert failed.args[0]
    assert not dialog.install_progress.retry_button.isHidden()


def test_engine_settings_apply_and_are_saved_on_close(qtbot: QtBot) -> None:
    settings = Settings()
    dialog = open_dialog(qtbot, settings)
    cores = local_engine.physical_cores()
    assert dialog.threads.value() == 0
    assert str(cores) in dialog.threads.text()
    dialog.context.setValue(8192)
    dialog.threads.setValue(2)
    if getattr(local_engine, "gpu_supported", None) is None:
        assert not dialog.gpu_layers.isEnabled()
        assert dialog.gpu_layers.toolTip()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.save_error is None
    saved = json.loads(settings_path().read_text(encoding="utf-8"))
    assert (saved["engine_context"], saved["engine_threads"]) == (8192, 2)


def test_engine_changes_reach_views_as_they_are_made(qtbot: QtBot, tmp_path: Path) -> None:
    models.add_model(write_tiny_gguf(tmp_path / "tiny-model.gguf"))
    store = SettingsStore()
    seen: list[tuple[str, object]] = []
    store.subscribe(lambda name: seen.append((name, getattr(store.settings, name))))
    dialog = ModelsDialog(store)
    qtbot.addWidget(dialog)
    dialog.context.setValue(8192)
    dialog.select_model("tiny-model")
    dialog.use_selected()
    assert seen == [
        ("engine_context", 8192),
        ("engine_model_path", str((tmp_path / "tiny-model.gguf").resolve())),
    ]
    dialog.reject()
    assert Settings.load().engine_context == 8192
