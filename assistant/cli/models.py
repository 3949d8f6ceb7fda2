"""`assistant models install | add PATH | list | remove NAME | download ID | catalogue`: the
built-in engine's model files (the catalogue table is in :mod:`.model_catalogue`)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.cli import models_download

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: Any) -> None:
    """Add the ``models`` command and its sub-commands."""
    parser = subparsers.add_parser("models", help="install, add, list or remove local models")
    parser.set_defaults(handler=_reporting_model_errors(_list))
    actions = parser.add_subparsers(dest="models_command", metavar="ACTION")
    install = actions.add_parser("install", help="download the built-in model (SmolLM2-135M)")
    install.set_defaults(handler=_reporting_model_errors(_install))
    add = actions.add_parser("add", help="add a GGUF model file (it stays where it is)")
    add.add_argument("path", metavar="PATH", help="path of a .gguf file")
    add.set_defaults(handler=_reporting_model_errors(_add))
    listing = actions.add_parser("list", help="list models: name, size, quantisation, context")
    listing.set_defaults(handler=_reporting_model_errors(_list))
    remove = actions.add_parser("remove", help="forget a model (your own files are not deleted)")
    remove.add_argument("name", metavar="NAME", help="name as shown by 'assistant models list'")
    remove.set_defaults(handler=_reporting_model_errors(_remove))
    models_download.register(actions, _reporting_model_errors)
    catalogue = actions.add_parser(
        "catalogue", help="models you can download, and whether each fits this machine"
    )
    catalogue.add_argument(
        "--context", type=_tokens, default=0, help="context size (tokens; default: the engine's)"
    )
    catalogue.set_defaults(handler=_catalogue)


def _tokens(text: str) -> int:
    """A context size given on the command line: a whole number of tokens, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of tokens: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 token, not {value}")
    return value


def _install(args: argparse.Namespace) -> int:
    from assistant.core.config.settings import Settings
    from assistant.core.engine.models import install_default

    printer = _ProgressPrinter()
    try:
        path = install_default(printer, local_only=Settings.load().local_only)
    finally:
        printer.finish()
    print(path)
    return 0


def _add(args: argparse.Namespace) -> int:
    from assistant.core.engine.models import add_model

    info = add_model(args.path)
    print(f"{info.name}\t{info.path}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from assistant.core.engine.models import list_models

    models = list_models()
    if not models:
        print("No models. Install the built-in one with: assistant models install", file=sys.stderr)
        return 0
    in_use = _engine_model_path()
    rows = [("", "NAME", "SIZE", "QUANT", "CONTEXT", "PATH")]
    for model in models:
        rows.append(
            (
                "*" if in_use is not None and _same_path(model.path, in_use) else "",
                model.name,
                _size(model.size) if model.exists else "missing",
                model.quantization or "?",
                str(model.context_length) if model.context_length else "?",
                str(model.path),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
    if any(row[0] for row in rows):
        print("* default model: the one the built-in engine uses", file=sys.stderr)
    return 0


def _engine_model_path() -> Path | None:
    """The model file the built-in engine runs: the ``engine_model_path`` setting, else the
    installed default model (as :class:`assistant.core.work.endpoints.ProviderResolver` does)."""
    from assistant.core.config.settings import Settings
    from assistant.core.engine.models import default_model_path

    chosen = Settings.load().engine_model_path
    return Path(chosen) if chosen else default_model_path()


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _remove(args: argparse.Namespace) -> int:
    from assistant.core.engine.models import remove_model

    info = remove_model(args.name)
    print(f"removed {info.name}")
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    from assistant.cli.model_catalogue import catalogue_table

    return catalogue_table(args)


def _reporting_model_errors(handler: Handler) -> Handler:
    """``handler`` with a ModelError told as one line on stderr and exit status 1."""

    def run(args: argparse.Namespace) -> int:
        from assistant.core.engine.models import ModelError

        try:
            return handler(args)
        except ModelError as exc:
            return _fail(str(exc))

    return run


def _fail(message: str) -> int:
    print(f"assistant: {message}", file=sys.stderr)
    return 1


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


class _ProgressPrinter:
    """Progress lines on stderr: rewritten in place on a terminal, a few lines otherwise."""

    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._last_message = ""
        self._last_time = 0.0
        self._open_line = False

    def __call__(self, message: str, fraction: float | None) -> None:
        now = time.monotonic()
        if fraction is not None and 0 < fraction < 1 and now - self._last_time < 0.5:
            return
        if not self._tty and message == self._last_message:
            return
        self._last_time, self._last_message = now, message
        percent = f" {fraction * 100:3.0f}%" if fraction is not None else ""
        if self._tty:
            sys.stderr.write(f"\r\033[K{message}{percent}")
            self._open_line = True
        else:
            sys.stderr.write(f"{message}{percent}\n")
        sys.stderr.flush()

    def finish(self) -> None:
        if self._open_line:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._open_line = False
