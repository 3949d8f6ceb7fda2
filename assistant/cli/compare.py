"""`assistant run MODE --n K` and `--compare PROFILE[,PROFILE…]`: several answers in a terminal.

Each answer comes after a header line: ``--- variant K ---`` (K from 1) for variants,
``--- PROFILE (MODEL) ---`` for a comparison. The first answer streams as it arrives; the others
are printed whole, in order, each as soon as it (and every one before it) has finished. A
comparison is one history record; it exits 0 when at least one profile answered and names each
failure on stderr, one line each.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from assistant.core.config.settings import Settings
    from assistant.core.prompts.request import GenerationRequest
    from assistant.core.work.compare import Contender
    from assistant.core.work.events import DoneEvent, RunEvent
    from assistant.core.work.generation import GenerationRun

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

ANSWERS_HELP = """\
several answers:
  --n K          K variants of the answer. Each comes after a header line '--- variant K ---'
                 (K from 1): the first streams as it arrives, the others are printed whole, in
                 order, as soon as each has finished. A server that refuses or ignores n gets K
                 single requests at once instead.
  --compare P,Q  the same request to several provider profiles at once (also repeatable:
                 --compare P --compare Q). Each answer comes after '--- PROFILE (MODEL) ---',
                 the first streamed, the others printed as they finish. Exit 0 when at least one
                 profile answered; each failure is named on stderr, one line each. The
                 comparison is one history record. PROFILE=MODEL asks that model of the
                 profile (--compare 'Ollama=llama3.2,Ollama=qwen2.5'); --model names the
                 model of the profiles given without one.
"""


def add_arguments(run: argparse.ArgumentParser) -> None:
    """The --compare option of ``assistant run`` (``--n`` is declared by run itself)."""
    run.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="PROFILE[,PROFILE…]",
        help=(
            "send the same request to these provider profiles at once (repeatable); "
            "PROFILE=MODEL for another model of a profile"
        ),
    )


def compared_contenders(
    names: Sequence[str], settings: Settings, model: str | None = None
) -> tuple[list[Contender], str]:
    """Where the --compare values send the request, or a usage message ('' when all are known).

    A value is a profile's name, or ``PROFILE=MODEL`` for another model of that profile (the
    same profile may come twice with two models); ``--model`` names the model of the profiles
    given without one."""
    from assistant.core.work.compare import Contender

    wanted = [name.strip() for value in names for name in value.split(",") if name.strip()]
    if not wanted:
        return [], "--compare needs at least one provider profile name"
    contenders = []
    for name in wanted:
        profile, chosen = settings.profile(name), model or ""
        if profile is None and "=" in name:
            name, chosen = (part.strip() for part in name.split("=", 1))
            profile = settings.profile(name)
        if profile is None:
            known = ", ".join(p.name for p in settings.profiles)
            return [], f"no provider profile named {name!r}; profiles: {known}"
        contenders.append(Contender(profile, chosen))
    return contenders, ""


class _Printer:
    """Prints answers in order under their headers: the first as it streams, the others whole
    once finished (and once every answer before them is out)."""

    def __init__(self, headers: Sequence[str], out: TextIO, on_broken: Callable[[], None]):
        self._headers = list(headers)
        self._out = out
        self._on_broken = on_broken
        self._texts = ["" for _ in headers]
        self._ended = [False for _ in headers]
        self._next = 0  # the answer being printed (streamed) now
        self._lock = threading.Lock()
        self._write(self._header(0))

    def _header(self, index: int) -> str:
        return f"--- {self._headers[index]} ---\n"

    def _write(self, text: str) -> None:
        try:
            self._out.write(text)
            self._out.flush()
        except BrokenPipeError:  # the reader went away (`| head`): stop, as Ctrl+C does
            self._on_broken()
        except ValueError:  # stdout closed after a broken pipe
            self._on_broken()

    def text(self, index: int, text: str) -> None:
        """Streamed text of answer ``index``: the first is printed at once, the others kept."""
        with self._lock:
            if 0 <= index < len(self._texts) and not self._ended[index]:
                if index == 0:
                    self._write(text)
                self._texts[index] += text

    def end(self, index: int, answer: str | None = None) -> None:
        """Answer ``index`` has ended (``answer``: its final text, when known)."""
        with self._lock:
            if not 0 <= index < len(self._texts) or self._ended[index]:
                return
            if answer is not None:
                if index == 0 and answer.startswith(self._texts[0]):
                    self._write(answer[len(self._texts[0]) :])  # kept but not streamed yet
                self._texts[index] = answer
            self._ended[index] = True
            while self._next < len(self._texts) and self._ended[self._next]:
                if self._next > 0:
                    self._write("\n" + self._header(self._next) + self._texts[self._next])
                if self._texts[self._next] and not self._texts[self._next].endswith("\n"):
                    self._write("\n")
                self._next += 1

    def finish(self) -> None:
        """Print whatever has not been printed (every answer has ended)."""
        for index in range(len(self._texts)):
            self.end(index)


def _with_signals(cancel_all: Callable[[], None], work: Callable[[], Any]) -> Any:
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda signum, frame: cancel_all())
    try:
        return work()
    finally:
        signal.signal(signal.SIGINT, previous)


def print_variants(run: GenerationRun, resolver: Any) -> int:
    """Run a request of several variants, printing each under ``--- variant K ---``."""
    from assistant.cli.run import _exit_code
    from assistant.core.providers.events import Delta, Finished
    from assistant.core.work.events import DoneEvent, StatusEvent

    cancel = threading.Event()
    count = max(1, run.request.params.n)
    printer = _Printer([f"variant {k + 1}" for k in range(count)], sys.stdout, cancel.set)
    interactive = sys.stderr.isatty()

    def emit(event: RunEvent) -> None:
        if isinstance(event, Delta):
            printer.text(event.index, event.text)
        elif isinstance(event, Finished):
            printer.end(event.index)
        elif isinstance(event, StatusEvent) and interactive:
            print(event.text, file=sys.stderr, flush=True)

    try:
        done = _with_signals(cancel.set, lambda: run.run(emit, cancel))
    finally:
        resolver.shutdown()
    assert isinstance(done, DoneEvent)
    for index, answer in enumerate(done.answers[:count]):
        printer.end(index, answer)
    printer.finish()
    return _exit_code(done, run.request.params.max_tokens)


def run_compare(
    request: GenerationRequest,
    contenders: Sequence[Contender],
    resolver: Any,
    history: Any,
    stop_loops: bool,
) -> int:
    """Send ``request`` to every contender at once and print each answer under its header."""
    from assistant.core.providers.events import Delta
    from assistant.core.work.compare import column_requests, run_together
    from assistant.core.work.events import DoneEvent, StatusEvent
    from assistant.core.work.generation import GenerationRun

    requests = column_requests(request, contenders)
    recorder = _comparison_recorder(history, contenders, requests)
    runs = [
        GenerationRun(
            column_request,
            resolver,
            None if recorder is None else recorder.column(index),
            stop_loops=stop_loops,
        )
        for index, column_request in enumerate(requests)
    ]
    cancels = [threading.Event() for _ in runs]

    def cancel_all() -> None:
        for cancel in cancels:
            cancel.set()

    printer = _Printer([c.label for c in contenders], sys.stdout, cancel_all)
    interactive = sys.stderr.isatty()

    def emit(column: int, event: RunEvent) -> None:
        if isinstance(event, Delta) and event.index == 0:
            printer.text(column, event.text)
        elif isinstance(event, DoneEvent):
            printer.end(column, event.answers[0] if event.answers else "")
        elif isinstance(event, StatusEvent) and interactive:
            name = contenders[column].profile.name
            print(f"{name}: {event.text}", file=sys.stderr, flush=True)

    try:
        results = _with_signals(cancel_all, lambda: run_together(runs, emit, cancels))
    finally:
        resolver.shutdown()
    printer.finish()
    return _compare_exit(contenders, results)


def _comparison_recorder(
    history: Any, contenders: Sequence[Contender], requests: Sequence[GenerationRequest]
) -> Any:
    if history is None:
        return None
    from assistant.core.storage.comparisons import ComparisonRecorder

    labels = [
        {"provider": c.profile.name, "base_url": c.profile.base_url, "model": r.model}
        for c, r in zip(contenders, requests, strict=True)
    ]
    return ComparisonRecorder(history, labels)


def _compare_exit(contenders: Sequence[Contender], results: Sequence[DoneEvent]) -> int:
    """0 when at least one answered; one line on stderr per column that did not."""
    from assistant.core.work.status import RunStatus

    for contender, done in zip(contenders, results, strict=True):
        if done.status == RunStatus.COMPLETE:
            continue
        if done.status == RunStatus.STOPPED:
            reason = "stopped"
        else:
            reason = " ".join((done.error or str(done.status)).split())
        print(f"assistant: {contender.profile.name}: {reason}", file=sys.stderr, flush=True)
    statuses = [done.status for done in results]
    if RunStatus.COMPLETE in statuses:
        return 0
    return EXIT_INTERRUPTED if all(s == RunStatus.STOPPED for s in statuses) else EXIT_FAILED
