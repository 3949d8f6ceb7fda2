"""`assistant follow-up ID "INSTRUCTION"` and `assistant chat`: threads from a terminal.

`follow-up` sends the thread of history record ID (its system prompt, the original request, the
answers and instructions that led to the current version) plus the instruction, streams the new
version to stdout and stores it as the next version of that record. `chat` reads one message
from stdin; with `--thread ID` it continues that thread, else it starts a chat. Both take the
provider options of `run` and exit with its codes; after an answer, stderr says `record: ID`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from assistant.cli.run import (
    EXIT_CODES_HELP,
    EXIT_FAILED,
    EXIT_USAGE,
    _fail,
    _read_stdin,
    _sendable_stdin,
    _settings_keys_profile,
    _stream_to_stdout,
    add_provider_options,
    provider_flags,
)
from assistant.cli.run_images import add_image_argument, attach_images

if TYPE_CHECKING:
    from assistant.core.config.settings import Settings
    from assistant.core.prompts.request import GenerationRequest
    from assistant.core.providers.profiles import ProviderProfile
    from assistant.core.providers.secrets import KeyStore
    from assistant.core.storage.history import HistoryStore, Record

CHAT_MODE = "chat"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    follow = subparsers.add_parser(
        "follow-up",
        help="follow up on a history record: its next version on stdout",
        description=(
            "Send the thread of history record ID (system prompt, original request, answers and "
            "earlier instructions) plus INSTRUCTION; stream the new version to stdout and store "
            "it as the next version of the record. Default provider: the record's."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    follow.add_argument("id", type=int, help="history record id (see: assistant history list)")
    follow.add_argument("instruction", help='what to change, e.g. "make it shorter"')
    follow.add_argument(
        "--version",
        type=int,
        metavar="K",
        dest="base_version",
        help="follow up on version K (default: the current one)",
    )
    add_provider_options(follow)
    follow.set_defaults(handler=follow_up)

    chat = subparsers.add_parser(
        "chat",
        help="chat: one message from stdin, the answer on stdout",
        description=(
            "Read one user message from stdin and answer it. Without --thread a new chat "
            "starts; with --thread ID the message continues that thread. A thread whose last "
            "reply failed (no text) is refused with exit 2 rather than sent with an empty "
            "assistant turn: start a new chat, or continue from an earlier reply's record."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.add_argument(
        "--system", metavar="TEXT", help="the system prompt of a new chat (default: the mode's)"
    )
    chat.add_argument("--thread", type=int, metavar="ID", help="continue this history record")
    add_image_argument(chat)  # a new chat's images (cli/run_images.py)
    add_provider_options(chat)
    chat.set_defaults(handler=chat_message)


def follow_up(args: argparse.Namespace) -> int:
    return _continue_thread(args, args.id, args.instruction, args.base_version, answer_needed=True)


def chat_message(args: argparse.Namespace) -> int:
    message = _sendable_stdin(_read_stdin())
    if not message.strip():
        return _fail("type the message on stdin, e.g. echo 'Hello' | assistant chat", EXIT_USAGE)
    if args.thread is not None and args.image:
        return _fail("--image starts a new chat; a follow-up sends the thread's images", EXIT_USAGE)
    if args.thread is not None:
        if args.system is not None:
            return _fail(
                "--system starts a new chat; a thread keeps its system prompt "
                "(see: assistant history show ID)",
                EXIT_USAGE,
            )
        return _continue_thread(args, args.thread, message, None, answer_needed=True)
    return _new_chat(args, message)


def _new_chat(args: argparse.Namespace, message: str) -> int:
    from assistant.core.prompts.modes import load_modes
    from assistant.core.prompts.request import RequestError, build_request

    mode = load_modes().get(CHAT_MODE)
    if mode is None:
        return _fail("the chat mode could not be loaded (see: assistant modes)", EXIT_FAILED)
    settings, keys, profile = _settings_keys_profile(args)
    if profile is None:
        return _fail(f"no provider profile named {args.provider!r}", EXIT_USAGE)
    values: dict[str, Any] = {"message": message}
    if args.system is not None:
        values["system"] = args.system
    refused = attach_images(args.image, mode, values, [mode])
    if refused:
        return _fail(refused, EXIT_USAGE)
    try:
        request = build_request(
            mode, values, profile, settings.mode_params.get(mode.id), provider_flags(args)
        )
    except RequestError as exc:
        return _fail("; ".join(exc.problems), EXIT_USAGE)
    return _send(args, request, settings, keys, None)


def _continue_thread(
    args: argparse.Namespace,
    record_id: int,
    instruction: str,
    base_version: int | None,
    answer_needed: bool = False,
) -> int:
    from assistant.core.prompts.modes import load_modes
    from assistant.core.prompts.request import RequestError, build_follow_up
    from assistant.core.storage.threads import ThreadStore

    store = _open_store()
    if store is None:
        return EXIT_FAILED
    thread = ThreadStore(store).thread(record_id)
    record = store.get(record_id)
    if thread is None or record is None or record.deleted:
        store.close()
        return _fail(f"no record with id {record_id} (see: assistant history list)", EXIT_USAGE)
    number = thread.current if base_version is None else base_version
    base = next((v for v in thread.versions if v.number == number), None)
    if answer_needed and base is not None and not base.text.strip():  # e.g. a failed run
        store.close()
        instead = (
            "start a new chat instead (echo MESSAGE | assistant chat)"
            if thread.mode == CHAT_MODE
            else "run it again instead"
        )
        return _fail(
            f"version {number} of record {record_id} has no answer to follow up on "
            f"({base.status}); {instead} (see: assistant history show {record_id})",
            EXIT_USAGE,
        )
    modes = load_modes()
    mode = modes.get(thread.mode) or modes.get(CHAT_MODE)
    settings, keys, profile = _settings_keys_profile(args)
    if profile is None:
        store.close()
        return _fail(f"no provider profile named {args.provider!r}", EXIT_USAGE)
    parameters = dict(record.params)
    if not (args.provider or args.base_url):
        profile = _record_profile(record, settings, keys) or profile
    else:
        parameters.pop("model", None)  # another server: its own model unless --model
    try:
        if mode is None:
            raise RequestError([f"the mode {thread.mode!r} of this record is not available"])
        request = build_follow_up(
            mode,
            thread,
            instruction,
            profile,
            parameters,
            provider_flags(args),
            base_version=base_version,
        )
    except RequestError as exc:
        store.close()
        return _fail("; ".join(exc.problems), EXIT_USAGE)
    return _send(args, request, settings, keys, store)


def _send(
    args: argparse.Namespace,
    request: GenerationRequest,
    settings: Settings,
    keys: KeyStore,
    store: HistoryStore | None,
) -> int:
    """Check the context window, then stream ``request`` and record it (unless --no-log)."""
    from assistant.core.work.endpoints import resolver_for
    from assistant.core.work.follow_ups import overflow
    from assistant.core.work.generation import GenerationRun

    over = overflow(request, None, settings.engine_context)
    if over is not None and not args.force:
        if store is not None:
            store.close()
        return _fail(f"{over.message()} Pass --force to send it anyway.", EXIT_USAGE)
    recorder: Any = None
    if not args.no_log:
        store = store or _open_store(memory_ok=True)
        if store is not None and request.follow_up is not None:
            from assistant.core.storage.threads import ThreadStore

            recorder = ThreadStore(store).recorder(request.follow_up)
        else:
            recorder = store
    resolver = resolver_for(settings, keys)
    run = GenerationRun(request, resolver, recorder, stop_loops=settings.stop_loops)
    try:
        return _stream_to_stdout(run, resolver)
    finally:
        if store is not None:
            store.close()


def _record_profile(record: Record, settings: Settings, keys: KeyStore) -> ProviderProfile | None:
    """The profile the record was sent to: a saved one by name, else its server by URL."""
    from assistant.core.providers.profiles import ProviderProfile

    saved = settings.profile(record.provider)
    if saved is not None:
        return saved
    if not record.base_url:
        return None
    if not keys.get(record.provider) and os.environ.get("OPENAI_API_KEY"):
        keys.set(record.provider, os.environ["OPENAI_API_KEY"], persist=False)
    name = record.provider or record.base_url
    return ProviderProfile(name=name, kind="compatible", base_url=record.base_url, model="")


def _open_store(memory_ok: bool = False) -> HistoryStore | None:
    """The history on disk (None after one stderr line if it cannot be used)."""
    from assistant.core.storage.history import HistoryStore

    store = HistoryStore.open()
    if store.problem:
        print(f"assistant: {store.problem}", file=sys.stderr, flush=True)
    if store.in_memory and not memory_ok:
        store.close()
        return None
    return store
