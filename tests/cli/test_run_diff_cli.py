"""`assistant run code-fix|code-optimize|rewrite --diff / --file / --apply`: real processes against
the loopback server; the diffs are applied with the real `patch` program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakeserver import FakeOpenAIServer, Fault

BUGGY = "def mean(xs):\n    return sum(xs) / len(xs)\n\n\ndef main():\n    print(mean([]))\n"
FIXED = (
    "def mean(xs):\n    if not xs:\n        return 0.0\n    return sum(xs) / len(xs)\n"
    "\n\ndef main():\n    print(mean([]))\n"
)
ANSWER = f"```python\n{FIXED}```\n\n- `mean([])` divided by zero; it now returns 0.0.\n"

pytestmark = pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch")


def assistant(
    server: FakeOpenAIServer, *args: str, stdin: bytes = b"", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "run", *args, "--base-url", server.base_url],
        input=stdin,
        capture_output=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8"),
        result.stderr.decode("utf-8"),
    )


def patch(diff: str, target: Path, *extra: str) -> None:
    subprocess.run(
        ["patch", "--batch", "--silent", *extra], input=diff.encode(), cwd=target, check=True
    )


def test_diff_from_stdin_names_stdin_and_patch_applies_it(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = ANSWER
    result = assistant(openai_server, "code-fix", "--diff", stdin=BUGGY.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- a/<stdin>\n+++ b/<stdin>\n@@ ")
    assert "divided by zero" not in result.stdout  # the explanation is not code
    (tmp_path / "mean.py").write_text(BUGGY)
    patch(result.stdout, tmp_path, "mean.py")
    assert (tmp_path / "mean.py").read_text() == FIXED
    prompt = openai_server.chat_requests[-1].body["messages"][-1]["content"]
    assert BUGGY in prompt


def test_file_is_the_input_and_the_diff_names_it(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mean.py").write_text(BUGGY)
    openai_server.reply = ANSWER
    args = ("code-fix", "--file", "src/mean.py", "--diff", "--field", "error=ZeroDivisionError")
    result = assistant(openai_server, *args, stdin=b"ignored", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- a/src/mean.py\n+++ b/src/mean.py\n")
    prompt = openai_server.chat_requests[-1].body["messages"][-1]["content"]
    assert BUGGY in prompt and "ignored" not in prompt and "ZeroDivisionError" in prompt
    patch(result.stdout, tmp_path, "-p1")
    assert (tmp_path / "src" / "mean.py").read_text() == FIXED


def test_apply_writes_the_fix_and_keeps_the_original(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    path = tmp_path / "mean.py"
    path.write_text(BUGGY)
    path.chmod(0o750)
    openai_server.reply = ANSWER
    result = assistant(openai_server, "code-fix", "--file", str(path), "--apply")
    assert result.returncode == 0, result.stderr
    assert path.read_text() == FIXED and (path.stat().st_mode & 0o777) == 0o750
    assert Path(f"{path}.orig").read_text() == BUGGY
    assert result.stdout.startswith(f"--- a/{path}\n")
    assert f"applied to {path}" in result.stderr


def test_crlf_tabs_non_ascii_and_no_final_newline_survive(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    original = 'int main() {\r\n\tputs("héllo 世界");\r\n\treturn 1;\r\n}'
    openai_server.reply = (
        '```c\nint main() {\n\tputs("héllo 世界");\n\treturn 0;\n}\n```\nReturn 0 on success.'
    )
    path = tmp_path / "main.c"
    path.write_bytes(original.encode())
    diff = assistant(openai_server, "code-optimize", "--file", "main.c", "--diff", cwd=tmp_path)
    assert diff.returncode == 0, diff.stderr
    assert "-\treturn 1;\r\n+\treturn 0;\r\n" in diff.stdout
    applied = assistant(openai_server, "code-optimize", "--file", "main.c", "--apply", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert path.read_bytes() == original.replace("return 1", "return 0").encode()
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "main.c").write_bytes(original.encode())
    patch(diff.stdout, copy, "--binary", "main.c")
    assert (copy / "main.c").read_bytes() == path.read_bytes()


@pytest.mark.parametrize(
    ("finish", "reason"),
    [(None, "not finished"), ("length", "--max-tokens")],
)
def test_apply_refuses_an_unfinished_answer(
    openai_server: FakeOpenAIServer, tmp_path: Path, finish: str | None, reason: str
) -> None:
    path = tmp_path / "mean.py"
    path.write_text(BUGGY)
    openai_server.reply = "```python\ndef mean(xs):\n    if not xs:\n"
    openai_server.finish_reason = finish
    result = assistant(openai_server, "code-fix", "--file", str(path), "--apply")
    assert result.returncode == 1
    assert "not applied" in result.stderr and reason in result.stderr
    assert result.stdout == ""  # no diff of unfinished code
    assert path.read_text() == BUGGY and not Path(f"{path}.orig").exists()


def test_a_dropped_stream_is_not_applied(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    path = tmp_path / "mean.py"
    path.write_text(BUGGY)
    openai_server.reply = ANSWER
    openai_server.fault = Fault(kind="drop", after_deltas=3)
    result = assistant(openai_server, "code-fix", "--file", str(path), "--apply")
    assert result.returncode == 1 and "not applied" in result.stderr
    assert path.read_text() == BUGGY and not Path(f"{path}.orig").exists()


def test_deleting_more_than_half_needs_force(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    path = tmp_path / "mean.py"
    path.write_text(BUGGY)
    openai_server.reply = "```python\ndef mean(xs):\n    return 0\n```\n"
    refused = assistant(openai_server, "code-fix", "--file", str(path), "--apply")
    assert refused.returncode == 1
    assert "more than half" in refused.stderr and "--force" in refused.stderr
    assert refused.stdout.startswith("--- a/")  # the diff is shown, not applied
    assert path.read_text() == BUGGY and not Path(f"{path}.orig").exists()
    forced = assistant(openai_server, "code-fix", "--file", str(path), "--apply", "--force")
    assert forced.returncode == 0, forced.stderr
    assert path.read_text() == "def mean(xs):\n    return 0\n"


def test_rewrite_diffs_prose(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    text = "Dear team,\n\nthe release slips a week.\nSorry!\n"
    openai_server.reply = "\nDear team,\n\nThe release will be one week late.\nSorry!\n\n"
    path = tmp_path / "note.md"
    path.write_text(text)
    result = assistant(openai_server, "rewrite", "--file", "note.md", "--apply", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert path.read_text() == "Dear team,\n\nThe release will be one week late.\nSorry!\n"
    assert "-the release slips a week.\n+The release will be one week late.\n" in result.stdout


def test_no_change_prints_nothing(openai_server: FakeOpenAIServer) -> None:
    openai_server.reply = f"```python\n{BUGGY}```\nThe code is correct."
    result = assistant(openai_server, "code-fix", "--diff", stdin=BUGGY.encode())
    assert result.returncode == 0 and result.stdout == ""
    assert "no changes" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("code-explain", "--diff"), "code-fix, code-optimize and rewrite"),
        (("code-fix", "--apply"), "--apply needs --file"),
        (("code-fix", "--file", "/no/such/file.py"), "cannot read /no/such/file.py"),
        (("code-fix", "--diff", "--n", "2"), "--diff and --apply take one answer"),
    ],
)
def test_misuse_is_refused_before_sending(
    openai_server: FakeOpenAIServer, args: tuple[str, ...], message: str
) -> None:
    result = assistant(openai_server, *args, stdin=b"x = 1\n")
    assert result.returncode == 2 and message in result.stderr
    assert openai_server.chat_requests == []


def test_apply_refuses_a_file_that_is_not_utf8(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.py"
    path.write_bytes("s = 'café'\n".encode("latin-1"))
    result = assistant(openai_server, "code-fix", "--file", str(path), "--apply")
    assert result.returncode == 2 and "not UTF-8" in result.stderr
    assert openai_server.chat_requests == []


def test_an_absolute_path_inside_the_folder_is_named_relative_for_patch(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    (tmp_path / "src").mkdir()
    path = tmp_path / "src" / "mean.py"
    path.write_text(BUGGY)
    openai_server.reply = ANSWER
    result = assistant(openai_server, "code-fix", "--file", str(path), "--diff", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("--- a/src/mean.py\n+++ b/src/mean.py\n")
    patch(result.stdout, tmp_path, "-p1")
    assert path.read_text() == FIXED
