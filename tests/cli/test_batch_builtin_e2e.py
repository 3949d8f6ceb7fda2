"""`assistant batch` on the real built-in engine: rows answered by the shipped model, offline."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(600)  # the model answers slowly on a busy 2-core machine
def test_a_small_table_answered_by_the_builtin_model(builtin_model: Path, tmp_path: Path) -> None:
    source = tmp_path / "products.csv"
    source.write_text("product;audience\nRain boots;hikers\nDesk lamp;students\n")
    output = tmp_path / "copy.csv"
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "batch", "ad-copy", "--input", str(source),
         "--output", str(output), "--field", "channel=email subject", "--max-tokens", "16",
         "--concurrency", "2"],
        capture_output=True, text=True, timeout=540,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with output.open(newline="", encoding="utf-8-sig") as data:
        rows = list(csv.DictReader(data))
    assert sorted(row["product"] for row in rows) == ["Desk lamp", "Rain boots"]
    assert all(row["status"] == "done" and row["answer"].strip() for row in rows)
    assert all(int(row["tokens"]) > 0 for row in rows)
    assert "done 2, failed 0" in result.stderr
    assert "cost unknown" not in result.stderr  # the built-in engine has a price: nothing
