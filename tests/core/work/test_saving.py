"""SavedBeforeShown: nothing reaches the person before it is saved, and nothing is held back."""

from __future__ import annotations

import threading

from assistant.core.work.saving import SavedBeforeShown


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_events_go_out_only_after_a_save_that_covers_them() -> None:
    clock = Clock()
    added: list[int] = []
    saved_upto: list[int] = []
    shown: list[tuple[int, int]] = []  # (event, events saved when it was shown)

    def save() -> None:
        saved_upto.append(len(added))

    gate = SavedBeforeShown(save, lambda event: shown.append((event, saved_upto[-1])), clock)
    for number in range(200):
        clock.now = number * 0.011  # a delta every 11 ms: a save is due every fifth or so
        added.append(number)
        gate.add(number)
    gate.close()
    assert [event for event, _ in shown] == list(range(200))  # all, in order
    assert all(event < saved for event, saved in shown)  # each one saved before it was shown
    assert 1 < len(saved_upto) < 100  # saves are batched


def test_held_text_is_released_when_the_stream_pauses() -> None:
    released = threading.Event()
    gate: SavedBeforeShown[str] = SavedBeforeShown(lambda: None, lambda event: released.set())
    gate.add("first")  # saved and shown at once
    released.clear()
    gate.add("second")  # within the interval: held, then released by the saver thread
    assert released.wait(5.0)
    gate.close()
