"""`assistant modes`: list the modes, and `show ID`, `check FILE`, `import FILE`.

`check` prints one ``FILE:LINE:COL: message`` line per problem and exits 1 when there is any;
`import` takes a mode TOML or a prompt list (CSV of name, prompt rows) and writes the modes into
the person's mode folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    modes = subparsers.add_parser(
        "modes",
        help="list the mode ids, one per line (or show / check / import a mode file)",
        description="Without a sub-command: list the mode ids, one per line.",
    )
    modes.add_argument("--verbose", "-v", action="store_true", help="show titles and fields")
    modes.set_defaults(handler=list_modes)
    actions = modes.add_subparsers(dest="modes_command", metavar="ACTION")
    show = actions.add_parser("show", help="print a mode's file")
    show.add_argument("mode", metavar="ID")
    show.set_defaults(handler=show_mode)
    check = actions.add_parser(
        "check", help="validate mode files: FILE:LINE:COL: message per problem, exit 1 if any"
    )
    check.add_argument("files", nargs="+", metavar="FILE", type=Path)
    check.set_defaults(handler=check_files)
    take = actions.add_parser(
        "import", help="add a mode file (.toml) or a prompt list (.csv: name,prompt rows)"
    )
    take.add_argument("file", metavar="FILE", type=Path)
    take.add_argument(
        "--replace", action="store_true", help="overwrite your own modes of the same id"
    )
    take.set_defaults(handler=import_file)


def list_modes(args: argparse.Namespace) -> int:
    from assistant.core.prompts.modes import load_modes

    catalog = load_modes()
    for problem in catalog.errors:  # the valid modes are still listed; exit 0
        print(f"assistant: {problem.describe()} (mode file skipped)", file=sys.stderr)
    for mode in catalog.values():
        if args.verbose:
            names = ", ".join(f.name + ("*" if f.required else "") for f in mode.fields)
            print(f"{mode.id}\t{mode.title}\t{names}")
        else:
            print(mode.id)
    return 0


def show_mode(args: argparse.Namespace) -> int:
    from assistant.core.prompts.mode_files import mode_text
    from assistant.core.prompts.modes import load_modes

    modes = load_modes()
    mode = modes.get(args.mode)
    if mode is None:
        print(
            f"assistant: unknown mode {args.mode!r}; choose one of: {', '.join(modes)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    text = mode_text(mode)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def check_files(args: argparse.Namespace) -> int:
    from assistant.core.prompts.mode_check import check_mode_text

    found = 0
    for path in args.files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}:1:1: cannot read the file: {exc}")
            found += 1
            continue
        problems = check_mode_text(text, str(path), path.stem)
        for problem in problems:
            print(problem.describe(str(path)))
        found += len(problems)
    if found:
        print(f"assistant: {found} problem(s)", file=sys.stderr)
        return EXIT_PROBLEMS
    for path in args.files:
        print(f"{path}: ok")
    return 0


def import_file(args: argparse.Namespace) -> int:
    from assistant.core.prompts.mode_files import ModeFileError, read_import, write_mode

    try:
        items, skipped = read_import(args.file)
    except ModeFileError as exc:
        print(f"assistant: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    for line in skipped:
        print(f"assistant: skipped {line}", file=sys.stderr)
    written = 0
    for item in items:
        try:
            path = write_mode(item, replace=args.replace)
        except FileExistsError as exc:
            print(
                f"assistant: {item.mode_id}: {exc} exists (--replace overwrites it)",
                file=sys.stderr,
            )
            continue
        except (ModeFileError, OSError) as exc:
            print(f"assistant: {exc}", file=sys.stderr)
            continue
        print(f"{item.mode_id}\t{path}")
        written += 1
    print(f"assistant: imported {written} of {len(items)} mode(s)", file=sys.stderr)
    return 0 if written == len(items) and not skipped else EXIT_PROBLEMS
