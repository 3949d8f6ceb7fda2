"""`assistant run MODE`: a mode from a terminal (`assistant modes` lists them: cli/modes.py).

`run` reads the mode's main text from stdin and streams the answer to stdout as it arrives.
It exits 0 on success; on failure it prints one clear line to stderr and exits non-zero
(partial text stays on stdout).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from assistant.cli import run_diff, run_table
from assistant.cli.compare import ANSWERS_HELP
from assistant.cli.compare import add_arguments as add_compare_arguments
from assistant.cli.run_images import add_image_argument, attach_images
from assistant.core.providers.sampling import MAX_REPETITION
from assistant.core.work.runs import RunStatus

if TYPE_CHECKING:
    from assistant.core.config.settings import Settings
    from assistant.core.prompts.request import GenerationRequest
    from assistant.core.providers.profiles import ProviderProfile
    from assistant.core.providers.secrets import KeyStore
    from assistant.core.work.events import DoneEvent

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_FILTERED = 4
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = """\
exit codes:
  0    the answer is complete (the server said it was finished); also when it stopped at the
       --max-tokens limit: then one line on stderr says it is not finished
  1    failed, or the answer was cut short (the stream ended without the server saying it was
       finished); the text so far is on stdout, one line on stderr says what happened;
       --diff/--apply/--format: no diff of an unfinished answer, --apply refused, or a table
       answer with no readable row
  2    bad arguments or input (unknown mode or field, prompt too long without --force, images
       the model cannot take: known before sending, remembered, or refused by the server)
  4    the provider's content filter stopped the answer (stderr says so)
  130  interrupted (Ctrl+C); the text so far is on stdout
After an answer (exit 0 or 4) the last line on stderr is 'record: ID', its history record
(not with --no-log), for `assistant follow-up ID` and `assistant chat --thread ID`.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = subparsers.add_parser(
        "run",
        help="run a mode: main text on stdin, answer on stdout",
        description="Run a mode. The mode's main text (code, or notes) is read from stdin.",
        epilog=ANSWERS_HELP + "\n" + EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("mode", help="mode id (see: assistant modes)")
    run.add_argument(
        "--field",
        "-f",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a field (repeatable), e.g. --field topic='Rust for C programmers'",
    )
    add_provider_options(run, applies=True)
    run.add_argument(
        "--n",
        type=number_in(int, 1),
        help="number of variants, each after a line '--- variant K ---'",
    )
    add_image_argument(run)
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="print the messages that would be sent (JSON) and send nothing",
    )
    run_diff.add_arguments(run)
    run_table.add_arguments(run)
    add_compare_arguments(run)
    run.set_defaults(handler=run_mode)


def add_provider_options(parser: argparse.ArgumentParser, *, applies: bool = False) -> None:
    """The options of where and how to send (shared by run, follow-up and chat); ``applies``:
    the command has --apply (run), which --force also concerns."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--provider", metavar="PROFILE", help="a provider profile by name")
    where.add_argument("--base-url", metavar="URL", help="any OpenAI-compatible server")
    parser.add_argument("--model", help="model name (default: the profile's)")
    parser.add_argument("--temperature", type=number_in(float, 0.0, 2.0), help="0 to 2")
    parser.add_argument("--max-tokens", type=number_in(int, 1))
    parser.add_argument("--top-p", type=number_in(float, 0.0, 1.0), help="0 to 1")
    parser.add_argument("--stop", action="append", metavar="S", help="stop sequence (repeatable)")
    parser.add_argument(
        "--repetition",
        type=number_in(float, 0.0, MAX_REPETITION),
        metavar="X",
        help="built-in engine: anti-repetition strength, 0 (off) to 3 (default: the model's)",
    )
    parser.add_argument(
        "--no-log", action="store_true", help="do not record this run in the history"
    )
    force = "send even when the prompt looks longer than the model's context window"
    if applies:
        force += "; with --apply, apply even an answer that deletes more than half of the lines"
    parser.add_argument("--force", action="store_true", help=force)


def number_in(
    kind: type[int] | type[float], low: float, high: float | None = None
) -> Callable[[str], Any]:
    """An argparse type: a number of ``kind`` from ``low`` to ``high`` (the window's ranges), so
    that an out-of-range value is a usage error (exit 2), not a request the server refuses."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"{text} is out of range (use a value {bounds})")
        return value

    return parse


def provider_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The parameters the options of :func:`add_provider_options` set (None: not given)."""
    return {
        "model": args.model,
        "temperature": args.temperature,
        "max_tokens": args.max_tokens,
        "top_p": args.top_p,
        "stop": args.stop,
        "repetition": args.repetition,
    }


def _say(message: str) -> None:
    print(f"assistant: {message}", file=sys.stderr, flush=True)


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    _say(message)
    return code


def _parse_fields(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--field needs NAME=VALUE, got {pair!r}")
        values[name.strip()] = value
    return values


def _fields_hint(mode: Any, given: dict[str, Any]) -> str:
    """How a terminal gives a mode its values, when a required one is missing ('' otherwise)."""
    texts = [f for f in mode.fields if f.kind != "image"]
    if not any(f.required and not str(given.get(f.name) or "").strip() for f in texts):
        return ""
    names = ", ".join(f.name for f in texts if f.name != mode.main_field)
    return f" (stdin is the {mode.main_field} field; --field NAME=VALUE sets {names})"


def _read_stdin() -> str:
    if sys.stdin is None or sys.stdin.isatty():
        return ""
    data = sys.stdin.buffer.read()
    return data.decode("utf-8", errors="surrogateescape")


def run_mode(args: argparse.Namespace) -> int:
    from assistant.core.prompts.modes import load_modes
    from assistant.core.prompts.request import RequestError, build_request
    from assistant.core.work.generation import GenerationRun

    modes = load_modes()
    mode = modes.get(args.mode)
    if mode is None:
        return _fail(f"unknown mode {args.mode!r}; choose one of: {', '.join(modes)}", EXIT_USAGE)
    try:
        given = _parse_fields(args.field)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    unknown = [name for name in given if mode.field(name) is None]
    if unknown:
        names = ", ".join(f.name for f in mode.fields)
        return _fail(f"mode {mode.id} has no field {unknown[0]!r}; fields: {names}", EXIT_USAGE)
    problem = run_diff.usage_problem(args, mode) or run_table.usage_problem(args, mode)
    if problem:
        return _fail(problem, EXIT_USAGE)
    try:
        raw = run_diff.read_input(args) if args.file else _read_stdin()
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    stdin_text = _sendable_stdin(raw)
    if stdin_text and mode.main_field not in given:
        given[mode.main_field] = stdin_text
    refused = attach_images(args.image, mode, given, list(modes.values()))
    if refused:
        return _fail(refused, EXIT_USAGE)

    settings, keys, profile = _settings_keys_profile(args)
    if profile is None:
        return _fail(f"no provider profile named {args.provider!r}", EXIT_USAGE)
    flags = {**provider_flags(args), "n": args.n}
    try:
        request = build_request(mode, given, profile, settings.mode_params.get(mode.id), flags)
    except RequestError as exc:
        return _fail("; ".join(exc.problems) + _fields_hint(mode, given), EXIT_USAGE)
    if args.dry_run:
        import json

        print(json.dumps(request.messages, ensure_ascii=False, indent=2))
        return 0
    over = _context_overflow(request, settings)
    if over and not args.force:
        return _fail(over, EXIT_USAGE)
    if args.compare:  # several profiles at once (assistant/cli/compare.py)
        from assistant.cli.compare import compared_contenders

        contenders, problem = compared_contenders(args.compare, settings, args.model)
        if problem or args.base_url or args.provider or (args.n or 1) > 1:
            return _fail(problem or "--compare takes no --provider, --base-url or --n", EXIT_USAGE)
    from assistant.core.work.endpoints import resolver_for

    resolver = resolver_for(settings, keys)
    recorder = None if args.no_log else _open_history()
    if args.compare:
        from assistant.cli.compare import run_compare

        return run_compare(request, contenders, resolver, recorder, settings.stop_loops)
    run = GenerationRun(request, resolver, recorder, stop_loops=settings.stop_loops)
    if run_diff.wants_diff(args):
        return run_diff.finish(args, mode, run, resolver)
    if args.format:
        return run_table.finish(args, mode, run, resolver)
    if request.params.n > 1:
        from assistant.cli.compare import print_variants

        return print_variants(run, resolver)
    return _stream_to_stdout(run, resolver)


def _settings_keys_profile(
    args: argparse.Namespace,
) -> tuple[Settings, KeyStore, ProviderProfile | None]:
    """The settings, the key store and the profile the arguments ask for (None: no such profile)."""
    from assistant.core.config.settings import Settings
    from assistant.core.providers.profiles import ProviderProfile
    from assistant.core.providers.secrets import KeyStore
    from assistant.core.work.endpoints import keep_proxy_credentials_in

    settings = Settings.load()
    keys = KeyStore()
    keep_proxy_credentials_in(keys, settings)
    for warning in settings.load_warnings:
        print(f"assistant: {warning}", file=sys.stderr)
    if args.base_url:
        known = next((p for p in settings.profiles if p.base_url == args.base_url), None)
        name = known.name if known else args.base_url
        model = known.model if known else ""
        profile: ProviderProfile | None = ProviderProfile(
            name=name, kind="compatible", base_url=args.base_url, model=model
        )
        if not keys.get(name) and os.environ.get("OPENAI_API_KEY"):
            keys.set(name, os.environ["OPENAI_API_KEY"], persist=False)
    elif args.provider:
        profile = settings.profile(args.provider)
    else:
        profile = settings.active()
    if profile is not None and profile.is_builtin and getattr(args, "model", None):
        _use_engine_model(settings, args.model)
    return settings, keys, profile


def _use_engine_model(settings: Settings, name: str) -> None:
    """``--model NAME`` on the built-in engine: that model of `assistant models list` for this
    run (the settings file is not changed); exit 2 when no model has that name."""
    from assistant.core.engine.models import find_model, list_models

    found = find_model(name)
    if found is not None:
        settings.engine_model_path = "" if found.is_default else str(found.path)
        return
    names = [model.name for model in list_models()]
    if names:  # with no model at all the engine's own message says how to install one
        _say(f"the built-in engine has no model {name!r}; its models: {', '.join(names)}")
        raise SystemExit(EXIT_USAGE)


def _sendable_stdin(text: str) -> str:
    """stdin as JSON can carry it; says on stderr what had to change (bytes that are not UTF-8)."""
    from assistant.core.text.text_changes import sendable

    clean, changes = sendable(text)
    for notice in changes.notices():
        print(f"assistant: stdin: {notice}", file=sys.stderr)
    return clean


def _context_overflow(request: GenerationRequest, settings: Settings) -> str:
    """A warning line when the prompt does not fit the model's window ('' when it fits)."""
    from assistant.core.providers.tokens import check_context

    check = check_context(
        request.messages,
        request.profile,
        request.model,
        request.params.max_tokens,
        None,
        settings.engine_context,
    )
    if check is None or not check.over:
        return ""
    return (
        f"the prompt is about {check.estimate} tokens; {request.model or 'the model'} reads at "
        f"most {check.window} (answer budget {check.answer_budget}). Shorten the input, lower "
        "--max-tokens, or pass --force to send it anyway."
    )


def _open_history() -> Any:
    from assistant.core.storage.history import HistoryStore

    store = HistoryStore.open()
    if store.problem:
        print(f"assistant: {store.problem}", file=sys.stderr)
    return store


def _stream_to_stdout(run: Any, resolver: Any) -> int:
    done = stream_answer(run, resolver, sys.stdout)
    return _exit_code(done, run.request.params.max_tokens)


def stream_answer(run: Any, resolver: Any, out: TextIO) -> DoneEvent:
    """Carry out ``run``, writing its answer to ``out`` as it streams (Ctrl+C stops it)."""
    from assistant.core.providers.client import Delta
    from assistant.core.work.generation import DoneEvent, StatusEvent

    cancel = threading.Event()
    later: dict[int, str] = {}
    interactive = sys.stderr.isatty()

    def emit(event: object) -> None:
        if isinstance(event, Delta):
            if event.index == 0:
                try:
                    out.write(event.text)
                    out.flush()
                except BrokenPipeError:  # the reader went away (`| head`): stop, as Ctrl+C does
                    cancel.set()
            else:
                later[event.index] = later.get(event.index, "") + event.text
        elif isinstance(event, StatusEvent) and interactive:
            print(event.text, file=sys.stderr, flush=True)

    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum: int, frame: object) -> None:
        cancel.set()

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        done = run.run(emit, cancel)
    finally:
        signal.signal(signal.SIGINT, previous)
        resolver.shutdown()
    assert isinstance(done, DoneEvent)
    for index in sorted(later):
        out.write(f"\n\n--- variant {index + 1} ---\n{later[index]}")
    if done.answers and not done.answers[0].endswith("\n"):
        out.write("\n")
    out.flush()
    return done


def say_record(record_id: int | None) -> None:
    """``record: ID`` on stderr after an answer (nothing when it was not recorded)."""
    if record_id is not None:
        print(f"record: {record_id}", file=sys.stderr, flush=True)


def _exit_code(done: Any, max_tokens: int) -> int:
    """The exit code of a finished run, with its one line on stderr (see EXIT_CODES_HELP); an
    answer that ended (exit 0 or 4) is followed by ``record: ID``, its history record, for
    scripts to chain (not with --no-log)."""
    from assistant.core.work.finish import CONTENT_FILTER, LENGTH

    if done.status == RunStatus.STOPPED:
        return _fail("stopped", EXIT_INTERRUPTED)
    if done.status in (RunStatus.FAILED, RunStatus.CUT_SHORT):
        # the server refused the images: exit 2, as when that refusal is remembered next time
        code = EXIT_USAGE if done.error_kind == "no_vision" else EXIT_FAILED
        return _fail(" ".join((done.error or str(done.status)).split()), code)
    several = len(done.finish_reasons) > 1
    if LENGTH in done.finish_reasons:  # said also when another variant was filtered
        which = [str(i + 1) for i, reason in enumerate(done.finish_reasons) if reason == LENGTH]
        variants = f" (variant {', '.join(which)})" if several else ""
        _say(
            f"the answer{variants} stopped at the --max-tokens limit ({max_tokens}) and is not "
            "finished; run again with a higher --max-tokens to get all of it."
        )
    code = 0
    if CONTENT_FILTER in done.finish_reasons:
        notice = done.notice.splitlines()[0] if done.notice else "the provider filtered the answer"
        code = _fail(notice, EXIT_FILTERED)
    say_record(done.record_id)
    return code
