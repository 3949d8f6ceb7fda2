"""Loops and self-ended answers of the shipped model: plain sampling versus Repetition, same run.

    .venv/bin/python -m tests.benchmarks.sampling [--rounds N] [--threads N] [--strengths 0,1,2]
                                                  [--max-tokens N] [--save answers.json]

Every shipped mode's sample inputs (``SAMPLES``) are rendered by the mode's own template and sent
to SmolLM2-135M-Instruct through the built-in engine and the app's client, at the mode's own
temperature and top-p (llama.cpp draws a new seed per request), ``--rounds`` times per Repetition
strength (0 = plain sampling; the others go through ``llama_sampler_fields``), alternating
strengths inside each (input, round) so they share the machine's state. For each strength it
prints the share of answers that fall into a loop (``find_loop`` on the whole answer, the guard
being off) and the share that end by themselves (``finish_reason`` "stop"), one line each::

    sampling strength=<s> loops=<share> self_ended=<share> answers=<n> mean_chars=<n>

and, for the family default strength against plain sampling, two figure lines (``common.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from tests.benchmarks.common import Figure, emit

FIB = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
CSV = (
    "import csv\n\nwith open('a.csv') as f:\n    for row in csv.reader(f):\n        print(row[0])\n"
)
SAMPLES: dict[str, list[dict[str, Any]]] = {
    "code-explain": [{"code": FIB}, {"code": CSV, "detail": "line by line"}],
    "article": [
        {"topic": "Why sleep matters for students", "length": 400},
        {"topic": "How to start a vegetable garden"},
    ],
    "ad-copy": [
        {"product": "A reusable water bottle that keeps drinks cold for 24 hours"},
        {"product": "Online Spanish lessons", "channel": "search ad"},
    ],
    "code-complete": [
        {"code": "def is_prime(n: int) -> bool:\n    ", "language": "python"},
        {"code": "function debounce(fn, ms) {\n  ", "language": "javascript"},
    ],
}


def answer(endpoint: Any, messages: list[dict[str, str]], params: Any) -> tuple[str, str | None]:
    """One answer through the app's client: its text and finish reason."""
    from assistant.core.providers.client import Delta, Finished, stream_chat

    text, reason = "", None
    for event in stream_chat(endpoint, messages, params, "model", threading.Event()):
        if isinstance(event, Delta):
            text += event.text
        elif isinstance(event, Finished):
            reason = event.reason
    return text, reason


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--strengths", default="")
    parser.add_argument("--max-tokens", type=int, default=600)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("ASSISTANT_HOME", tempfile.mkdtemp(prefix="assistant-bench-sampling-"))

    from dataclasses import replace

    from assistant.core.engine.catalogue import default_repetition
    from assistant.core.engine.local_engine import EngineConfig, LocalEngine
    from assistant.core.engine.models import DEFAULT_MODEL
    from assistant.core.prompts.modes import builtin_modes, render_messages
    from assistant.core.text.loops import find_loop
    from tests.fixtures.engine import model_cache_dir

    model = model_cache_dir() / DEFAULT_MODEL.file_name
    family_default = default_repetition(model)
    strengths = [float(s) for s in args.strengths.split(",") if s] or [0.0, family_default]
    engine = LocalEngine()
    engine.start(EngineConfig(model, n_ctx=4096, n_threads=args.threads))
    base = engine.endpoint()
    modes = builtin_modes()
    results: dict[float, list[dict[str, Any]]] = {s: [] for s in strengths}
    try:
        for mode_id, inputs in SAMPLES.items():
            mode = modes[mode_id]
            for number, values in enumerate(inputs):
                messages = render_messages(mode, {**mode.defaults(), **values})
                for round_ in range(1, args.rounds + 1):
                    for strength in strengths:
                        params = mode.params.merged(
                            max_tokens=min(mode.params.max_tokens, args.max_tokens),
                            repetition=strength,
                        )
                        endpoint = replace(base, repetition=strength, read_timeout=600)
                        text, reason = answer(endpoint, messages, params)
                        results[strength].append(
                            {
                                "mode": mode_id,
                                "input": number,
                                "round": round_,
                                "strength": strength,
                                "finish_reason": reason,
                                "loops": find_loop(text) is not None,
                                "text": text,
                            }
                        )
    finally:
        engine.stop()
    print(
        f"# model {model.name}, family default Repetition {family_default}, "
        f"threads {engine_threads(args.threads)}, max_tokens <= {args.max_tokens}"
    )
    for strength, rows in results.items():
        print(
            f"sampling strength={strength:g} loops={_share(rows, 'loops'):.3f} "
            f"self_ended={_share(rows, 'stop'):.3f} answers={len(rows)} "
            f"mean_chars={sum(len(r['text']) for r in rows) / max(1, len(rows)):.0f}",
            flush=True,
        )
    plain, tuned = results[strengths[0]], results[strengths[-1]]
    note = f"strength_{strengths[-1]:g}_vs_{strengths[0]:g},{len(tuned)}_answers"
    emit(
        Figure(
            "sampling_loop_share",
            _share(tuned, "loops"),
            _share(plain, "loops"),
            "share",
            0.5,
            note=note,
        )
    )
    emit(
        Figure(
            "sampling_self_ended_share",
            _share(tuned, "stop"),
            _share(plain, "stop"),
            "share",
            1.0,
            higher_is_better=True,
            note=note,
        )
    )
    if args.save:
        rows = [row for group in results.values() for row in group]
        args.save.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def engine_threads(threads: int) -> int:
    from assistant.core.engine.local_engine import physical_cores

    return threads or physical_cores()


def _share(rows: list[dict[str, Any]], what: str) -> float:
    if not rows:
        return float("nan")
    if what == "stop":
        return sum(row["finish_reason"] == "stop" for row in rows) / len(rows)
    return sum(bool(row[what]) for row in rows) / len(rows)


if __name__ == "__main__":
    raise SystemExit(main())
