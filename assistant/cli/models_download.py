"""`assistant models download ID`: fetch a catalogue model, with progress on stderr.

A bar rewritten in place on a terminal, a plain line every 5 % otherwise. Resumable: after Ctrl+C
or a kill the partial file stays, and running the command again continues where it stopped.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from assistant.core.engine.download_progress import DownloadProgress

BAR_WIDTH = 24
PLAIN_STEP = 0.05
"""Without a terminal, a line each time this share of the file is through."""


def register(actions: Any, wrap: Any) -> None:
    """Add ``download`` to the ``models`` actions (``wrap`` reports a ModelError as one line)."""
    download = actions.add_parser(
        "download",
        help="download a model of the catalogue (resumable: run it again to continue)",
    )
    download.add_argument("id", metavar="ID", help="model id as 'assistant models catalogue' shows")
    download.add_argument(
        "--restart", action="store_true", help="discard a partial download and start over"
    )
    download.set_defaults(handler=wrap(_download))


def _download(args: argparse.Namespace) -> int:
    from assistant.core.config.settings import Settings
    from assistant.core.engine.catalogue import load_catalogue
    from assistant.core.engine.download import DownloadSpec, download_model, partial_path

    model = load_catalogue().model(args.id)
    if model is None:
        known = ", ".join(m.id for m in load_catalogue().models)
        print(f"assistant: no model {args.id!r} in the catalogue (known: {known})", file=sys.stderr)
        return 2
    spec = DownloadSpec(model.repo, model.file, model.revision, model.sha256)
    printer = DownloadPrinter(sys.stderr)
    try:
        result = download_model(
            spec, printer, local_only=Settings.load().local_only, restart=args.restart
        )
    except KeyboardInterrupt:
        printer.finish()
        print(
            f"assistant: paused; the partial file {partial_path(spec)} is kept. "
            f"Run 'assistant models download {args.id}' again to continue.",
            file=sys.stderr,
        )
        return 130
    finally:
        printer.finish()
    if result.fetched == 0 and result.resumed_from == 0:
        print(f"{model.title} was already downloaded.", file=sys.stderr)
    elif result.resumed_from:
        print(f"Continued from {result.resumed_from:,} bytes; checked (sha256).", file=sys.stderr)
    print(result.path)
    return 0


class DownloadPrinter:
    """Progress on ``stream``: a bar in place on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._open_line = False
        self._last_time = 0.0
        self._last_step: tuple[str, int] | None = None

    def __call__(self, step: DownloadProgress) -> None:
        fraction = step.fraction or 0.0
        if self.tty:
            now = time.monotonic()
            if now - self._last_time < 0.2 and fraction < 1:
                return
            self._last_time = now
            filled = round(fraction * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stream.write(f"\r\033[K[{bar}] {fraction * 100:3.0f}% {step.describe()}")
            self._open_line = True
        else:
            key = (step.phase, int(fraction / PLAIN_STEP))
            if key == self._last_step:
                return
            self._last_step = key
            self.stream.write(f"{step.describe()}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False
