"""The benchmark command still runs and prints its machine-readable lines (tiny sizes)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FIGURE = re.compile(
    r"^(?P<name>[a-z0-9_]+) app=\S+ baseline=\S+ unit=\S+ .*"
    r"ratio=(?P<ratio>[\d.]+|nan|inf) (target=[\d.]+ )?(?P<verdict>ok|MISS)$"
)
EXPECTED = {
    "startup_wall_s",
    "startup_peak_rss_mib",
    "first_generate_over_server_ms",
    "stream_wall_s",
    "stream_stall_p99_ms",
    "stream_stall_max_ms",
    "stream_20hz_latency_max_ms",
    "compare_stall_p99_ms",
    "compare_stall_max_ms",
    "compare_wall_s",
    "highlight_full_s",
    "highlight_stall_max_ms",
    "highlight_keystroke_blocks",
    "memory_rss_mib",
    "memory_os_threads",
    "soak_rss_mib",
    "soak_os_threads",
    "soak_open_fds",
    "soak_stall_p99_ms",
    "soak_history_ok",
    "engine_tokens_per_s",
    "sampling_loop_share",
    "history_first_page_ms",
    "history_search_ms",
    "history_scroll_stall_max_ms",
    "history_scroll_stall_p99_ms",
    "diff_prose_50k_ms",
    "diff_code_5000_lines_ms",
    "diff_stall_max_ms",
    "usage_view_open_ms",
    "usage_view_all_time_ms",
    "version_step_ms",
    "version_step_blocks_lexed",
    "batch_rows_per_s_c1",
    "batch_rows_per_s_c4",
    "batch_rows_per_s_c16",
    "batch_rows_per_s_c64",
    "batch_cpu_ms_per_row",
    "stream_reuse_ttft_ms",
    "stream_reuse_connections",
}


@pytest.mark.timeout(600)  # every benchmark at tiny sizes, each in fresh processes
def test_quick_run_prints_one_line_per_figure(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "tests/benchmarks/run.py", "--quick"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    matches = [FIGURE.match(line) for line in lines]
    assert all(matches), [line for line, found in zip(lines, matches, strict=True) if not found]
    names = {found["name"] for found in matches if found}
    assert names == EXPECTED
    assert len(lines) == len(EXPECTED)
