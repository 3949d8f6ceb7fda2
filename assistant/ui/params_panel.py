"""Sampling parameters of the current mode: temperature, max tokens, top-p, stop sequences, n."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.core.params import GenerationParams

STOP_SEPARATOR = " | "


def parse_stop(text: str) -> tuple[str, ...]:
    r"""Stop sequences typed as ``a | b``; ``\n`` and ``\t`` may be written as escapes."""
    parts = [part.strip() for part in text.split("|")]
    return tuple(p.replace("\\n", "\n").replace("\\t", "\t") for p in parts if p)


def format_stop(stop: tuple[str, ...]) -> str:
    return STOP_SEPARATOR.join(s.replace("\n", "\\n").replace("\t", "\\t") for s in stop)


class ParamsPanel(QGroupBox):
    """Editable generation parameters; the model comes from the toolbar."""

    sig_changed = Signal()
    """A parameter was edited by the person."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Parameters"), parent)
        self.setCheckable(True)
        self.setChecked(False)
        self.toggled.connect(self._show_body)
        self._body = QWidget(self)
        form = QFormLayout(self._body)
        form.setContentsMargins(0, 0, 0, 0)

        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(2)
        self.temperature.setToolTip(self.tr("Higher is more varied, lower is more predictable."))
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(1, 1_000_000)
        self.max_tokens.setSingleStep(128)
        self.max_tokens.setToolTip(self.tr("Longest answer, in tokens."))
        self.top_p = QDoubleSpinBox()
        self.top_p.setRange(0.0, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setDecimals(2)
        self.stop = QLineEdit()
        self.stop.setPlaceholderText(self.tr("none (separate several with |, \\n for a newline)"))
        self.n = QSpinBox()
        self.n.setRange(1, 8)
        self.n.setToolTip(self.tr("How many variants to generate."))

        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Max tokens"), self.max_tokens)
        form.addRow(self.tr("Top-p"), self.top_p)
        form.addRow(self.tr("Stop sequences"), self.stop)
        form.addRow(self.tr("Variants (n)"), self.n)
        outer = QVBoxLayout(self)
        outer.addWidget(self._body)
        self._body.setVisible(False)
        for spin in (self.temperature, self.top_p):
            spin.valueChanged.connect(self.sig_changed)
        for ispin in (self.max_tokens, self.n):
            ispin.valueChanged.connect(self.sig_changed)
        self.stop.textEdited.connect(self.sig_changed)
        self._model = ""

    def _show_body(self, shown: bool) -> None:
        self._body.setVisible(shown)

    def set_params(self, params: GenerationParams) -> None:
        """Show ``params`` without emitting sig_changed."""
        self.blockSignals(True)
        for widget in (self.temperature, self.max_tokens, self.top_p, self.stop, self.n):
            widget.blockSignals(True)
        self.temperature.setValue(params.temperature)
        self.max_tokens.setValue(params.max_tokens)
        self.top_p.setValue(params.top_p)
        self.stop.setText(format_stop(params.stop))
        self.n.setValue(params.n)
        for widget in (self.temperature, self.max_tokens, self.top_p, self.stop, self.n):
            widget.blockSignals(False)
        self.blockSignals(False)
        self._model = params.model

    def params(self) -> GenerationParams:
        return GenerationParams(
            model=self._model,
            temperature=self.temperature.value(),
            max_tokens=self.max_tokens.value(),
            top_p=self.top_p.value(),
            stop=parse_stop(self.stop.text()),
            n=self.n.value(),
        )
