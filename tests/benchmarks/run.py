"""Run every benchmark: ``python tests/benchmarks/run.py [--quick]`` from the repository root.

Each benchmark runs in a fresh process of the same interpreter and prints one line per figure
(format in ``tests/benchmarks/common.py``), ending in ``ratio=<x> target=<y> ok`` or ``MISS``.
Lines starting with ``#`` describe the machine and the run. ``--quick`` uses tiny sizes (it checks
that everything still runs; its figures mean nothing) and skips the built-in engine.
Exit status: 0 when every benchmark ran (even with a MISS), 1 when one crashed.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import REPO_ROOT, Figure, missing

BENCHMARKS = (
    "startup",
    "first_answer",
    "streaming",
    "compare",
    "highlighting",
    "memory",
    "soak",
    "history",
    "diffs",
    "usage_view",
    "versions",
    "batch",
    "connections",
)
ENGINE_RATIO_TARGET = 0.95
ENGINE_COLD_LIMIT_S = 1.0


def _header() -> list[str]:
    from PySide6 import __version__ as pyside_version

    return [
        f"# date {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"# machine {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}",
        f"# python {platform.python_version()}, PySide6 {pyside_version}",
    ]


def _run_benchmark(name: str, quick: bool) -> bool:
    """Run one benchmark module, passing its figure lines through; False if it crashed."""
    command = [sys.executable, str(Path(__file__).with_name(f"{name}.py"))]
    command += ["--quick"] if quick else []
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO_ROOT)},
    )
    for line in result.stdout.splitlines():
        print(line, flush=True)
    print(f"# {name} took {time.perf_counter() - started:.1f} s", flush=True)
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        print(missing(name, f"crashed with exit code {result.returncode}"), flush=True)
        return False
    return True


def _engine(quick: bool) -> bool:
    """tests/benchmarks/engine.py, its two result lines turned into figures."""
    if quick:
        print(missing("engine_tokens_per_s", "skipped in quick mode"), flush=True)
        return True
    from assistant.core.engine.models import DEFAULT_MODEL
    from tests.fixtures.engine import model_cache_dir

    model = model_cache_dir() / DEFAULT_MODEL.file_name
    if not model.is_file():
        reason = f"no model at {model} (run the e2e tests or assistant models install)"
        print(missing("engine_tokens_per_s", reason), flush=True)
        return True
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.engine", "--rounds", "5"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO_ROOT)},
    )
    rate = re.search(r"engine_tokens_per_s app=([\d.]+) raw=([\d.]+)", result.stdout)
    cold = re.search(r"engine_cold_first_token_s=([\d.]+) warm=([\d.]+)", result.stdout)
    if result.returncode != 0 or rate is None or cold is None:
        print(result.stdout[-2000:] + result.stderr[-3000:], file=sys.stderr)
        print(missing("engine_tokens_per_s", f"engine benchmark failed ({result.returncode})"))
        return False
    app, raw = float(rate[1]), float(rate[2])
    cold_s, warm_s = float(cold[1]), float(cold[2])
    figures = [
        Figure(
            "engine_tokens_per_s",
            app,
            raw,
            "tok/s",
            ENGINE_RATIO_TARGET,
            higher_is_better=True,
            note="best_of_5,app=LocalEngine+openai_SDK,raw=xllamacpp_in_process",
        ),
        Figure(
            "engine_cold_overhead_s",
            cold_s - warm_s,
            warm_s,
            "s",
            1.0,
            limit=ENGINE_COLD_LIMIT_S,
            note=f"cold_first_token={cold_s:.3f}s,baseline=warm_first_token",
        ),
    ]
    for figure in figures:
        print(figure.line(), flush=True)
    return True


def _sampling(quick: bool) -> bool:
    """tests/benchmarks/sampling.py: loops and self-ended answers, plain vs Repetition."""
    from assistant.core.engine.models import DEFAULT_MODEL
    from tests.fixtures.engine import model_cache_dir

    if quick or not (model_cache_dir() / DEFAULT_MODEL.file_name).is_file():
        reason = "skipped in quick mode" if quick else "no model (run assistant models install)"
        print(missing("sampling_loop_share", reason), flush=True)
        return True
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.sampling", "--rounds", "2"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO_ROOT)},
    )
    for line in result.stdout.splitlines():
        print(line, flush=True)
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        print(missing("sampling_loop_share", f"crashed with exit code {result.returncode}"))
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in args
    for line in _header():
        print(line, flush=True)
    ran = [_run_benchmark(name, quick) for name in BENCHMARKS]
    ok = all([*ran, _engine(quick), _sampling(quick)])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
