"""`assistant batch MODE --input FILE --output FILE`: one generation per row of a table.

Input columns fill the mode's fields of the same name (``--field NAME=VALUE`` gives constants);
each row's result is appended to the output as soon as it ends. The job's state lives in
``batch.sqlite3`` beside the history: the same command after a stop or a crash goes on where the
job was, sending only the rows not answered yet.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from assistant.cli.run import number_in

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DEFAULT_CONCURRENCY = 4

EPILOG = """\
output: CSV (or .tsv, or JSONL for .jsonl) with the input columns, then answer, status (done or
failed), tokens and error. Rows are appended as they finish.

exit codes:
  0    every row succeeded
  1    some rows failed (they are in the output with status failed and the error), or the job
       stopped early (no quota left, bad key…): run the same command again to go on
  2    bad arguments, an unreadable input, or an output that belongs to another job
  130  interrupted (Ctrl+C): run the same command again to go on
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    batch = subparsers.add_parser(
        "batch",
        help="run a mode once per row of a CSV / TSV / JSONL file",
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument("mode", help="mode id (see: assistant modes)")
    batch.add_argument("--input", "-i", required=True, metavar="FILE", help="CSV, TSV or JSONL")
    batch.add_argument("--output", "-o", required=True, metavar="FILE", help="CSV or JSONL")
    batch.add_argument(
        "--field",
        "-f",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="the same value of a field for every row (repeatable)",
    )
    where = batch.add_mutually_exclusive_group()
    where.add_argument("--provider", metavar="PROFILE", help="a provider profile by name")
    where.add_argument("--base-url", metavar="URL", help="any OpenAI-compatible server")
    batch.add_argument("--model", help="model name (default: the profile's)")
    batch.add_argument("--temperature", type=number_in(float, 0.0, 2.0), help="0 to 2")
    batch.add_argument("--max-tokens", type=number_in(int, 1))
    batch.add_argument(
        "--concurrency",
        "-j",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"rows sent at once (default {DEFAULT_CONCURRENCY})",
    )
    batch.add_argument("--max-rows", type=int, metavar="N", help="only the first N rows")
    batch.add_argument(
        "--via",
        choices=("direct", "batch-api"),
        default="direct",
        help="batch-api: the OpenAI Batch API (upload, poll, merge) instead of one request per row",
    )
    batch.add_argument(
        "--poll-interval",
        type=float,
        default=30.0,
        metavar="S",
        help="batch-api: longest wait between two status checks (default 30 s)",
    )
    batch.set_defaults(handler=run_batch)


def run_batch(args: argparse.Namespace) -> int:
    from assistant.cli.batch_progress import say
    from assistant.cli.run import _parse_fields, _settings_keys_profile
    from assistant.core.prompts.modes import load_modes
    from assistant.core.work.batch_input import InputError, read_table
    from assistant.core.work.batch_job import JobConflict, open_job
    from assistant.core.work.batch_plan import BatchPlan, column_mapping
    from assistant.core.work.batch_state import BatchStore

    if args.concurrency < 1:
        return _usage("--concurrency must be at least 1")
    modes = load_modes()
    mode = modes.get(args.mode)
    if mode is None:
        return _usage(f"unknown mode {args.mode!r}; choose one of: {', '.join(modes)}")
    try:
        constants = _parse_fields(args.field)
    except ValueError as exc:
        return _usage(str(exc))
    source = Path(args.input)
    try:
        table = read_table(source)
    except InputError as exc:
        return _usage(str(exc))
    settings, keys, profile = _settings_keys_profile(args)
    if profile is None:
        return _usage(f"no provider profile named {args.provider!r}")
    overrides = {"model": args.model, "temperature": args.temperature}
    overrides |= {"max_tokens": args.max_tokens}
    plan = BatchPlan(
        mode,
        profile,
        column_mapping(mode, table.columns),
        constants,
        settings.mode_params.get(mode.id),
        overrides,
    )
    problems = plan.problems()
    if problems:
        return _usage("; ".join(problems))
    output = Path(args.output)
    store = BatchStore()
    try:
        job = open_job(store, output, table, plan, args.max_rows)
    except (JobConflict, OSError) as exc:
        store.close()
        return _usage(str(exc))
    for problem in table.problems:
        if problem.number in job.numbers:
            say(f"{source}: {problem.describe()} (row left out, marked failed)")
    if job.resumed:
        say(
            f"batch: going on with the job writing {output}: {job.done_before} done, "
            f"{job.failed_before} failed, {len(job.rows)} to send"
        )
    if job.moved_from:
        say(f"batch: earlier rows went to {job.moved_from}; these go to {plan.destination()}")
    try:
        return _run(args, settings, keys, plan, job)
    finally:
        job.sink.close()
        store.close()


def _run(args: argparse.Namespace, settings: Any, keys: Any, plan: Any, job: Any) -> int:
    from assistant.cli.batch_progress import Progress, say, summary_lines
    from assistant.core.providers.errors import ProviderError
    from assistant.core.work.endpoints import resolver_for

    resolver = resolver_for(settings, keys)
    progress = Progress(job.total, job.done_before, job.failed_before, sys.stderr)
    cancel = threading.Event()
    try:
        endpoint = resolver.resolve(plan.profile, lambda text: say(text))
    except ProviderError as exc:
        resolver.shutdown()
        say(exc.message)
        return EXIT_FAILED
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda signum, frame: cancel.set())
    try:
        summary = _send(args, plan, job, endpoint, progress, cancel)
    except ProviderError as exc:  # no client could be made (a proxy that is not a URL…)
        say(exc.message)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGINT, previous)
        resolver.shutdown()
    progress.close()
    counts = job.counts()
    for line in summary_lines(
        summary, counts, job.total, Path(args.output), plan, args.via == "batch-api"
    ):
        say(line)
    if cancel.is_set():
        say("stopped; run the same command again to go on")
        return EXIT_INTERRUPTED
    if summary.stopped or counts.get("failed", 0) or counts.get("pending", 0):
        return EXIT_FAILED
    return 0


def _send(
    args: argparse.Namespace, plan: Any, job: Any, endpoint: Any, progress: Any, cancel: Any
) -> Any:
    """Run the job's rows one request each, or as one Batch API batch; returns the summary."""
    from assistant.core.work.batch_runner import BatchRunner

    if args.via == "batch-api":
        from assistant.core.work.batch_api import BatchApiJob

        api = BatchApiJob(plan, job.rows, endpoint, job.sink, job.state, progress.event)
        return api.run(cancel, args.poll_interval)
    runner = BatchRunner(plan, job.rows, job.sink, progress.event, args.concurrency, cancel)
    return runner.run(endpoint)


def _usage(message: str) -> int:
    from assistant.cli.batch_progress import say

    say(message)
    return EXIT_USAGE
