"""The answer side: one AnswerView per variant, side by side in columns (ui/answer_columns.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from assistant.ui.answer_columns import AnswerColumns
from assistant.ui.answer_view import AnswerView


class AnswerArea(AnswerColumns):
    """Holds the streamed answer(s) of the current request, one column each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._request_id = ""
        self._language = ""
        self._ensure_views(1)

    @property
    def views(self) -> list[AnswerView]:
        return [column.view for column in self.columns]

    def _ensure_views(self, count: int) -> None:
        while self.count() < count:
            view = AnswerView()
            view.setObjectName(f"answer{self.count()}")
            self.add_column(view, self.tr("Variant %n", "", self.count() + 1))
        while self.count() > max(1, count):
            view = self.remove_last()
            if not view.property("keptVersion"):
                view.deleteLater()

    def swap_view(self, index: int, view: AnswerView) -> AnswerView:
        """Show ``view`` as variant ``index`` instead of the view there (kept, not deleted: a
        version's highlighted view, see ui/version_views.py); returns the view taken out."""
        old = self.columns[index].set_view(view)
        view.setObjectName(old.objectName())
        old.removeEventFilter(self)
        view.installEventFilter(self)
        return old

    def _release_kept(self) -> None:
        """A view kept for a version is never cleared for another answer: a fresh one takes its
        place (the kept one stays with its owner)."""
        for index, view in enumerate(self.views):
            if view.property("keptVersion"):
                self.swap_view(index, AnswerView())

    def begin(self, request_id: str, language: str, variants: int) -> None:
        """Clear and prepare ``variants`` panes for a new request."""
        self._request_id = request_id
        self._language = language
        self._release_kept()
        self._ensure_views(max(1, variants))
        self.reset_headers()
        for index, view in enumerate(self.views):
            view.begin(self._view_id(index), language)
        self.setCurrentIndex(0)

    def reset_headers(self, titles: list[str] | None = None) -> None:
        """Plain variant headers (or ``titles``): no figures, error, Kept or Stop."""
        for index, column in enumerate(self.columns):
            column.set_title(titles[index] if titles else self.tr("Variant %n", "", index + 1))
            if not column.has_header:  # one made later starts plain
                continue
            column.set_figures("")
            column.set_error("")
            column.set_kept(False)
            column.stop_button.setVisible(False)

    def _view_id(self, index: int) -> str:
        return f"{self._request_id}:{index}"

    def append(self, request_id: str, index: int, text: str) -> None:
        """Queue streamed text for variant ``index`` (stale requests are ignored)."""
        if request_id != self._request_id:
            return
        if index >= self.count():
            self._ensure_views(index + 1)
            self.views[index].begin(self._view_id(index), self._language)
        self.views[index].append_delta(self._view_id(index), text)

    def finish(self, request_id: str) -> None:
        if request_id == self._request_id:
            for index, view in enumerate(self.views):
                view.finish(self._view_id(index))

    def stop(self, request_id: str) -> None:
        """Show what was received for this request so far; drop anything arriving later."""
        if request_id == self._request_id:
            for index, view in enumerate(self.views):
                view.finish(self._view_id(index))

    def keep_text(self, answers: list[str]) -> None:
        """Show the final ``answers`` of the request on screen (what its run kept)."""
        self.show_text(answers, self._language)

    def show_text(self, answers: list[str], language: str) -> None:
        """Show finished answers (reopened from history or restored after a crash)."""
        self._request_id = ""
        self._language = language
        self._release_kept()
        self._ensure_views(len(answers) or 1)
        for view, answer in zip(self.views, answers, strict=False):
            view.set_answer(answer, language)

    def current_view(self) -> AnswerView:
        view = self.currentWidget()
        assert isinstance(view, AnswerView)
        return view

    def current_text(self) -> str:
        return self.current_view().text()

    def all_texts(self) -> list[str]:
        return [view.text() for view in self.views]
