"""Sampling parameters of the current mode: temperature, max tokens, top-p, stop sequences, n,
and Repetition (the built-in engine's anti-repetition strength; lowest value = the model's own)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.providers.params import GenerationParams
from assistant.core.providers.sampling import MAX_REPETITION, REPETITION_STEP, raised
from assistant.ui.qt_keys import set_keys

STOP_SEPARATOR = " | "
MODEL_DEFAULT = -REPETITION_STEP
"""The Repetition spin box's lowest value, shown as "model default" (``repetition`` None)."""


class RepetitionBox(QDoubleSpinBox):
    """The Repetition spin box: one step up from "model default" raises the model's own strength
    (``model_default``), instead of landing on 0 (off)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_default: Callable[[], float] = lambda: 0.0
        """The strength "model default" stands for (set by the mode panel)."""

    def stepBy(self, steps: int) -> None:
        if steps > 0 and self.value() <= MODEL_DEFAULT:
            strength = self.model_default()
            for _ in range(steps):
                strength = raised(strength)
            self.setValue(strength)
            return
        super().stepBy(steps)


def parse_stop(text: str) -> tuple[str, ...]:
    r"""Stop sequences typed as ``a | b``; ``\n`` and ``\t`` may be written as escapes."""
    parts = [part.strip() for part in text.split("|")]
    return tuple(p.replace("\\n", "\n").replace("\\t", "\t") for p in parts if p)


def format_stop(stop: tuple[str, ...]) -> str:
    return STOP_SEPARATOR.join(s.replace("\n", "\\n").replace("\t", "\\t") for s in stop)


class ParamsPanel(QWidget):
    """Editable generation parameters, folded to a one-line summary; the model is in the toolbar."""

    sig_changed = Signal()
    """A parameter was edited by the person."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setObjectName("paramsToggle")
        self.toggle.setText(self.tr("Parameters"))
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        set_keys(self.toggle, "toolButtonStyle", "ToolButtonTextBesideIcon")
        set_keys(self.toggle, "arrowType", "RightArrow")
        self.toggle.toggled.connect(self.expand)
        self.summary = QLabel()
        self.summary.setObjectName("paramsSummary")
        self.summary.setEnabled(False)
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
        self.repetition = RepetitionBox()
        self.repetition.setObjectName("repetition")
        self.repetition.setRange(MODEL_DEFAULT, MAX_REPETITION)
        self.repetition.setSingleStep(REPETITION_STEP)
        self.repetition.setDecimals(1)
        self.repetition.setSpecialValueText(self.tr("model default"))
        self.repetition.setValue(MODEL_DEFAULT)
        self.repetition.setToolTip(
            self.tr(
                "Built-in engine: how strongly to keep the model from repeating itself "
                "(0 = off). Raise it when answers loop."
            )
        )

        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Max tokens"), self.max_tokens)
        form.addRow(self.tr("Top-p"), self.top_p)
        form.addRow(self.tr("Stop sequences"), self.stop)
        form.addRow(self.tr("Variants (n)"), self.n)
        form.addRow(self.tr("Repetition"), self.repetition)
        header = QHBoxLayout()
        header.addWidget(self.toggle)
        header.addWidget(self.summary, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(header)
        outer.addWidget(self._body)
        self._body.setVisible(False)
        self.sig_changed.connect(self._update_summary)
        for spin in (self.temperature, self.top_p, self.repetition):
            spin.valueChanged.connect(self.sig_changed)
        for ispin in (self.max_tokens, self.n):
            ispin.valueChanged.connect(self.sig_changed)
        self.stop.textEdited.connect(self.sig_changed)
        self._model = ""

    def expand(self, shown: bool) -> None:
        """Show or fold the editors."""
        self._body.setVisible(shown)
        set_keys(self.toggle, "arrowType", "DownArrow" if shown else "RightArrow")
        if self.toggle.isChecked() != shown:
            self.toggle.setChecked(shown)

    def _update_summary(self) -> None:
        params = self.params()
        text = self.tr("temperature {0} · max {1} tokens · top-p {2}").format(
            f"{params.temperature:g}", params.max_tokens, f"{params.top_p:g}"
        )
        if params.n > 1:
            text += self.tr(" · {0} variants").format(params.n)
        if params.stop:
            text += self.tr(" · stop: {0}").format(format_stop(params.stop))
        if params.repetition is not None:
            text += self.tr(" · repetition {0}").format(f"{params.repetition:g}")
        self.summary.setText(text)

    def set_params(self, params: GenerationParams) -> None:
        """Show ``params`` without emitting sig_changed."""
        self.blockSignals(True)
        editors = (self.temperature, self.max_tokens, self.top_p, self.stop, self.n)
        for widget in (*editors, self.repetition):
            widget.blockSignals(True)
        self.temperature.setValue(params.temperature)
        self.max_tokens.setValue(params.max_tokens)
        self.top_p.setValue(params.top_p)
        self.stop.setText(format_stop(params.stop))
        self.n.setValue(params.n)
        self.repetition.setValue(MODEL_DEFAULT if params.repetition is None else params.repetition)
        for widget in (*editors, self.repetition):
            widget.blockSignals(False)
        self.blockSignals(False)
        self._model = params.model
        self._update_summary()

    def params(self) -> GenerationParams:
        return GenerationParams(
            model=self._model,
            temperature=self.temperature.value(),
            max_tokens=self.max_tokens.value(),
            top_p=self.top_p.value(),
            stop=parse_stop(self.stop.text()),
            n=self.n.value(),
            repetition=None
            if self.repetition.value() <= MODEL_DEFAULT
            else self.repetition.value(),
        )
