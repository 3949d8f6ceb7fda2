"""One highlighted answer view per version, kept, so stepping between versions swaps a view in
instead of highlighting the text again.

A version's view is made (and highlighted) the first time it is shown, or is the very view that
streamed it; after that showing it is a tab swap in the :class:`AnswerArea`. The least recently
shown views beyond :data:`KEEP` are let go (shown again, they are made again).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from assistant.ui.answer_area import AnswerArea
from assistant.ui.answer_view import AnswerView

KEEP = 12
"""Versions whose highlighted view is kept (each holds one document and its highlighting)."""

KEPT = "keptVersion"
"""Property of a view held here: the answer area swaps in a fresh view before it reuses one."""


class VersionViews:
    """Highlighted views of versions by key (e.g. (record id, version number))."""

    def __init__(self, area: AnswerArea, keep: int = KEEP) -> None:
        self._area = area
        self._keep = keep
        self._views: OrderedDict[Hashable, AnswerView] = OrderedDict()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._views

    def __len__(self) -> int:
        return len(self._views)

    def show(self, key: Hashable, text: str, language: str) -> AnswerView:
        """Show version ``key`` (``text``) as the main answer; highlighted only the first time."""
        view = self._views.get(key)
        if view is None or view.text() != text or view.language() != language:
            view = AnswerView()
            view.set_answer(text, language)
            self._add(key, view)
        self._views.move_to_end(key)
        if self._area.views[0] is not view:
            self._area.swap_view(0, view)
        self._area.setCurrentIndex(0)
        return view

    def keep_shown(self, key: Hashable) -> None:
        """The main view on screen (e.g. the one that just streamed) is version ``key``."""
        self._add(key, self._area.views[0])

    def forget(self) -> None:
        """Let every kept view go (another answer is on screen); the one shown stays shown."""
        shown = self._area.views[0]
        for view in self._views.values():
            view.setProperty(KEPT, False)
            if view is not shown:
                view.deleteLater()
        self._views.clear()

    def _add(self, key: Hashable, view: AnswerView) -> None:
        old = self._views.pop(key, None)
        if old is not None and old is not view and old is not self._area.views[0]:
            old.deleteLater()
        view.setProperty(KEPT, True)
        self._views[key] = view
        while len(self._views) > self._keep:
            _key, dropped = self._views.popitem(last=False)
            dropped.setProperty(KEPT, False)
            if dropped is not self._area.views[0]:
                dropped.deleteLater()
