"""The preset picker of Settings → Providers and the "where to get a key" line of a profile."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from assistant.core.providers.presets import ProviderPreset, load_presets
from assistant.ui.qt_keys import TOOLTIP_ROLE


class PresetPicker(QComboBox):
    """ "Add from preset…": choosing a provider emits its preset id, then the picker resets."""

    sig_chosen = Signal(str)
    """The id of the preset a person picked (DeepSeek, Qwen, Kimi, GLM…)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetPicker")
        self.addItem(self.tr("Add from preset…"), "")
        for preset in load_presets():
            self.addItem(preset.name, preset.id)
            self.setItemData(self.count() - 1, preset.base_url, TOOLTIP_ROLE)
        self.currentIndexChanged.connect(self._picked)

    def pick(self, preset_id: str) -> None:
        """Choose the preset with this id (as a person would from the list)."""
        index = self.findData(preset_id)
        if index > 0:
            self.setCurrentIndex(index)

    def _picked(self, index: int) -> None:
        preset_id = self.itemData(index)
        if not preset_id:
            return
        self.blockSignals(True)
        self.setCurrentIndex(0)
        self.blockSignals(False)
        self.sig_chosen.emit(str(preset_id))


def key_hint(preset: ProviderPreset | None) -> str:
    """Rich text under the key field: where to get a key and whether the model takes images."""
    if preset is None:
        return ""
    parts = []
    if preset.key_url:
        link = f'<a href="{preset.key_url}">{preset.key_url}</a>'
        parts.append(
            QCoreApplication.translate("PresetPicker", "Get a key: {link}").replace("{link}", link)
        )
    if preset.key_env:
        parts.append(
            QCoreApplication.translate(
                "PresetPicker", "or set {variable} in the environment"
            ).replace("{variable}", f"<code>{preset.key_env}</code>")
        )
    parts.append(
        QCoreApplication.translate("PresetPicker", "the default model takes images")
        if preset.images
        else QCoreApplication.translate("PresetPicker", "the default model takes text only")
    )
    return " · ".join(parts)
