"""Batch: rows per second at concurrency 1, 4, 16 and 64, against a server that answers after 50 ms.

Server: ``tests/benchmarks/batch_server.py`` in its own process (asyncio, a short SSE answer
with usage after 50 ms). App: what ``assistant batch`` runs, in this process: the job opened on
a state file and an output CSV (``open_job``), ``BatchRunner`` with N tasks on one event loop over
the one ``AsyncOpenAI`` client (``astream_chat``), every row built by the one request builder,
appended to the output and marked in the state (one transaction per turn of the loop).
Baseline: a plain asyncio loop over the raw SDK (``AsyncOpenAI``, a semaphore of N) sending the
same streamed requests with usage (each row's messages and sampling fields, built before its
clock starts), the text collected. Rounds alternate; medians. The app's CPU time per row
(``getrusage``) is compared with the baseline's at the highest level.

The baseline used to send one short message without sampling fields: the SDK's own preparation
of the app's two-message request (its ``_transform``) costs 0.6 ms a row against 0.2 ms for that
one, which the ratio charged to the app.
"""

from __future__ import annotations

import asyncio
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import REPO_ROOT, Figure, emit, median

LEVELS = (1, 4, 16, 64)
RATE_TARGET = 0.9
CPU_TARGET = 1.5
DELAY_S = 0.05


class BatchServer:
    """The lean server in a process of its own."""

    def __init__(self, delay: float) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.batch_server", "--delay", str(delay)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONPATH": str(REPO_ROOT)},
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(10)


def load() -> str:
    """The machine's 1-minute load average (on a shared machine other processes take CPU from
    both sides unevenly, round by round: read the CPU per row then)."""
    return f"{os.getloadavg()[0]:.1f}"


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rows_for(level: int, quick: bool) -> int:
    if quick:
        return 4 * level if level < 16 else 32
    return max(40, min(800, level * 12))


def write_input(folder: Path, rows: int) -> Path:
    path = folder / "products.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "product", "channel"])
        for i in range(rows):
            writer.writerow([i, f"product {i}", "email subject"])
    return path


def job_plan(folder: Path, base_url: str, rows: int) -> tuple[Any, Any]:
    """(the input table, the plan) of a job over ``rows`` products."""
    from assistant.core.prompts.modes import load_modes
    from assistant.core.providers.profiles import ProviderProfile
    from assistant.core.work.batch_input import read_table
    from assistant.core.work.batch_plan import BatchPlan, column_mapping

    table = read_table(write_input(folder, rows))
    mode = load_modes()["ad-copy"]
    profile = ProviderProfile("Bench", "compatible", base_url, "fake-model")
    return table, BatchPlan(mode, profile, column_mapping(mode, table.columns))


def app_round(base_url: str, level: int, rows: int) -> tuple[float, float]:
    """(seconds, CPU seconds) for the app's batch path over ``rows`` rows."""
    from assistant.core.providers.connection import Endpoint
    from assistant.core.work.batch_job import open_job
    from assistant.core.work.batch_runner import BatchRunner
    from assistant.core.work.batch_state import BatchStore

    folder = Path(tempfile.mkdtemp(prefix="assistant-bench-batch-"))
    table, plan = job_plan(folder, base_url, rows)
    store = BatchStore(folder / "batch.sqlite3")
    endpoint = Endpoint("Bench", base_url, None, read_timeout=30, max_retries=2)
    started, cpu = time.perf_counter(), cpu_s()
    job = open_job(store, folder / "out.csv", table, plan)
    summary = BatchRunner(plan, job.rows, job.sink, lambda event: None, level).run(endpoint)
    job.sink.close()
    elapsed, used = time.perf_counter() - started, cpu_s() - cpu
    store.close()
    assert summary.done == rows, summary
    return elapsed, used


def baseline_round(base_url: str, level: int, rows: int) -> tuple[float, float]:
    """(seconds, CPU seconds) for a plain asyncio loop over the raw SDK sending the requests the
    app sends (each row's messages and sampling fields, made before the clock starts)."""
    import openai

    folder = Path(tempfile.mkdtemp(prefix="assistant-bench-batch-"))
    table, plan = job_plan(folder, base_url, rows)
    requests = [plan.request(row) for row in table.rows]

    async def main() -> None:
        client: Any = openai.AsyncOpenAI(base_url=base_url, api_key="bench", max_retries=0)
        gate = asyncio.Semaphore(level)

        async def one(request: Any) -> str:
            async with gate:
                p = request.params
                stream = await client.chat.completions.create(
                    model=request.model,
                    messages=request.messages,
                    temperature=p.temperature,
                    max_tokens=p.max_tokens,
                    top_p=p.top_p,
                    stream=True,
                    stream_options={"include_usage": True},
                )
                parts = []
                async for chunk in stream:
                    if chunk.choices and chunk.choices[0].delta.content:
                        parts.append(chunk.choices[0].delta.content)
                return "".join(parts)

        answers = await asyncio.gather(*(one(request) for request in requests))
        assert all(answers)
        await client.close()

    started, cpu = time.perf_counter(), cpu_s()
    asyncio.run(main())
    return time.perf_counter() - started, cpu_s() - cpu


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in args
    rounds = 1 if quick else 3
    server = BatchServer(DELAY_S)
    try:
        app_round(server.base_url, 4, 8)  # warm-up: imports, first connections
        baseline_round(server.base_url, 4, 8)
        cpu_app: list[float] = []
        cpu_base: list[float] = []
        for level in LEVELS:
            rows = rows_for(level, quick)
            app_rates, base_rates = [], []
            for _ in range(rounds):
                seconds, used = baseline_round(server.base_url, level, rows)
                base_rates.append(rows / seconds)
                if level == LEVELS[-1]:
                    cpu_base.append(used / rows * 1000)
                seconds, used = app_round(server.base_url, level, rows)
                app_rates.append(rows / seconds)
                if level == LEVELS[-1]:
                    cpu_app.append(used / rows * 1000)
            emit(
                Figure(
                    f"batch_rows_per_s_c{level}",
                    median(app_rates),
                    median(base_rates),
                    "rows/s",
                    RATE_TARGET,
                    higher_is_better=True,
                    note=f"{rows}_rows,server_50ms,baseline=asyncio_raw_SDK,load_{load()}",
                )
            )
        emit(
            Figure(
                "batch_cpu_ms_per_row",
                median(cpu_app),
                median(cpu_base),
                "ms",
                CPU_TARGET,
                note=f"concurrency_{LEVELS[-1]},all_threads,baseline=asyncio_raw_SDK",
            )
        )
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
