"""`assistant` command: with no arguments it opens the window; sub-commands work headless.

Each sub-command module exposes ``register(subparsers)`` and sets ``handler`` on its parser;
heavy imports stay inside the handlers so ``assistant modes`` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from assistant.core.engine.host import HOST_FLAG

COMMAND_MODULES = (
    "assistant.cli.modes",
    "assistant.cli.run",
    "assistant.cli.follow_up",
    "assistant.cli.models",
    "assistant.cli.history",
    "assistant.cli.providers",
    "assistant.cli.usage",
    "assistant.cli.batch",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Writing and coding assistant. Without a command, opens the window.",
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="print the version and build (git commit), exit"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = subparsers.add_parser("gui", help="open the window (the default)")
    gui.set_defaults(handler=_run_gui)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a feature module not written yet
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


class _VersionAction(argparse.Action):
    """``--version``: the version and build, looked up only when asked (a checkout asks git)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from assistant.core.base.build_info import version_line

        print(version_line())
        parser.exit()


def cli_language() -> str:
    """The UI language for messages: the ``language`` setting, else the environment's."""
    import json

    from assistant.core.base.i18n import language
    from assistant.core.config.settings_file import settings_path

    try:
        chosen = json.loads(settings_path().read_text(encoding="utf-8")).get("language", "")
    except (OSError, ValueError, AttributeError):
        chosen = ""
    return str(chosen) if isinstance(chosen, str) and chosen else language()


def install_translation() -> bool:
    """Route the messages of the core (errors, the fault table's messages, notices) through the
    app's catalogue when the language is one it has (zh_CN); True when one was installed."""
    code = cli_language()
    if not code.lower().startswith("zh"):
        return False
    from importlib.resources import as_file, files

    from PySide6.QtCore import QLocale, QTranslator

    from assistant import APP_NAME
    from assistant.core.base import i18n

    translator = QTranslator()
    with as_file(files("assistant") / "resources" / "i18n") as folder:
        if not translator.load(QLocale(code), APP_NAME, "_", str(folder)):
            return False
    i18n.install(lambda context, text: translator.translate(context, text) or text)
    i18n.set_language(code)
    return True


def _run_gui(args: argparse.Namespace) -> int:
    if _no_display():  # Qt would abort with "Reinstalling the application may fix this problem"
        print(
            "assistant: there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY "
            "are not set). Start it in a desktop session, or use the command line: "
            "assistant --help",
            file=sys.stderr,
        )
        return 1
    from assistant.app import main as gui_main

    return gui_main()


def _no_display() -> bool:
    """On Linux, no X or Wayland display and no Qt platform chosen (e.g. over ssh)."""
    env = os.environ
    chosen = env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
    return sys.platform.startswith("linux") and not chosen


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == [HOST_FLAG]:  # the engine's helper process, in a frozen app
        from assistant.core.engine.host import host_main

        return host_main(arguments[1:])
    args = build_parser().parse_args(arguments)
    handler = getattr(args, "handler", _run_gui)
    if handler is not _run_gui:  # the window installs Qt's translators itself
        install_translation()
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
