"""The welcome page also offers the best catalogue model that fits this machine, with what each
offer costs in disk and memory; choosing it downloads it (loopback Hub) and uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from assistant.core.config.settings import Settings
from assistant.core.config.store import SettingsStore
from assistant.core.engine import model_choice
from assistant.core.engine.catalogue import load_catalogue
from assistant.core.engine.download import target_path
from assistant.core.providers.profiles import BUILTIN_NAME
from assistant.core.providers.secrets import KeyStore
from assistant.ui.catalogue_panel import spec_of
from assistant.ui.welcome_dialog import WelcomeDialog
from tests.hubserver import FakeHub, fake_gguf

MIB = 1 << 20


def with_memory(monkeypatch: pytest.MonkeyPatch, available: int) -> None:
    """This machine has ``available`` bytes of free memory (and cores enough for any model), as
    far as the welcome page knows."""
    monkeypatch.setattr(model_choice, "available_memory", lambda: available)
    monkeypatch.setattr(model_choice, "physical_cores", lambda: 64)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    with FakeHub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        yield server


def open_dialog(qtbot: QtBot, settings: Settings) -> WelcomeDialog:
    dialog = WelcomeDialog(SettingsStore(settings), KeyStore())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_both_offers_say_what_they_cost(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    with_memory(monkeypatch, 6 * 1024 * MIB)
    dialog = open_dialog(qtbot, Settings())

    found = model_choice.recommended_model(4096, 6 * 1024 * MIB)
    assert found is not None
    model, cost = found
    button = dialog.recommended.button
    assert button is not None and button.isVisible()
    assert button.text() == f"Download {model.title} (recommended for this computer)"
    assert button.description().startswith(cost.describe() + ". Better answers")
    assert "download, needs " in cost.describe() and cost.describe().endswith("(fits)")
    assert "98.4 MB download, needs " in dialog.builtin_button.description()
    general = [m for m in load_catalogue().models if not all("code" in u for u in m.good_at)]
    bigger = [m for m in general if m.parameters_b > model.parameters_b]
    assert bigger and all(
        model_choice.model_cost(m, 4096, 6 * 1024 * MIB).plan.fit != "fits" for m in bigger
    )


def test_no_offer_when_no_catalogue_model_fits(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_memory(monkeypatch, 300 * MIB)
    dialog = open_dialog(qtbot, Settings())

    assert dialog.recommended.button is None
    assert dialog.builtin_button.isVisible()


def test_choosing_the_recommended_model_downloads_and_uses_it(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, hub: FakeHub
) -> None:
    with_memory(monkeypatch, 1024 * MIB)  # only the smallest catalogue model fits
    found = model_choice.recommended_model(4096, 1024 * MIB)
    assert found is not None
    model = found[0]
    assert not model.sha256  # the loopback Hub's own sha256 checks the test's bytes
    hub.add(model.repo, model.file, fake_gguf(2_000_000, name="Recommended"))
    settings = Settings(active_profile="OpenAI")
    dialog = open_dialog(qtbot, settings)
    assert dialog.recommended.button is not None

    with qtbot.waitSignal(dialog.finished, timeout=30_000):
        qtbot.mouseClick(dialog.recommended.button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.engine_model_path == str(target_path(spec_of(model)))
    assert settings.active_profile == BUILTIN_NAME
    assert Settings.load().engine_model_path == settings.engine_model_path


def test_a_small_cpu_gets_a_model_it_can_run_at_a_usable_pace() -> None:
    plenty = 64 * 1024 * MIB
    on_two_cores = model_choice.recommended_model(4096, plenty, cores=2)
    on_eight_cores = model_choice.recommended_model(4096, plenty, cores=8)
    assert on_two_cores is not None and on_eight_cores is not None
    assert on_two_cores[0].size <= 2 * model_choice.WEIGHTS_PER_CORE
    assert on_two_cores[0].parameters_b < on_eight_cores[0].parameters_b
    general = [m for m in load_catalogue().models if not all("code" in u for u in m.good_at)]
    assert on_eight_cores[0].parameters_b == max(
        m.parameters_b for m in general if m.size <= 8 * model_choice.WEIGHTS_PER_CORE
    )
