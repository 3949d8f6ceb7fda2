"""The one diff: hunks, applying a chosen subset, unified diffs that ``patch`` applies."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.text.diffs import (
    Hunk,
    deleted_line_share,
    diff_code,
    diff_prose,
    diff_text,
    line_count,
    match_line_endings,
    split_lines,
    unified_diff,
)

OLD_CODE = (
    "def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a + b\n\nprint(add(1, 2))\n"
)
NEW_CODE = OLD_CODE.replace("a - b", "A").replace("a + b", "a - b").replace("A", "a + b")


def test_code_diff_has_one_hunk_per_changed_line_range() -> None:
    diff = diff_code(OLD_CODE, NEW_CODE)
    assert [(h.old_line, h.new_line, h.kind) for h in diff.hunks] == [
        (2, 2, "replace"),
        (6, 6, "replace"),
    ]
    assert diff.hunks[0].old_text == "    return a - b\n"
    assert diff.hunks[0].new_text == "    return a + b\n"


def test_multi_hunk_accept_and_reject() -> None:
    diff = diff_code(OLD_CODE, NEW_CODE)
    assert diff.apply() == NEW_CODE
    assert diff.apply(set()) == OLD_CODE
    only_first = diff.apply({0})
    assert "return a + b" in only_first.split("def sub")[0]
    assert "return a + b" in only_first.split("def sub")[1]
    only_second = diff.apply({1})
    assert only_second.count("return a - b") == 2


def test_pieces_cover_the_old_text() -> None:
    diff = diff_code(OLD_CODE, NEW_CODE)
    rebuilt = "".join(p if isinstance(p, str) else p.old_text for p in diff.pieces())
    assert rebuilt == OLD_CODE
    rebuilt_new = "".join(p if isinstance(p, str) else p.new_text for p in diff.pieces())
    assert rebuilt_new == NEW_CODE


def test_prose_diff_is_word_level_and_joins_changes_across_blanks() -> None:
    old = "The quick brown fox jumps over the lazy dog. It was a sunny day."
    new = "A slow brown fox jumps over the lazy dog. It was a rainy day."
    diff = diff_prose(old, new)
    assert [(h.old_text, h.new_text) for h in diff.hunks] == [
        ("The quick", "A slow"),
        ("sunny", "rainy"),
    ]
    assert diff.apply({1}) == "The quick brown fox jumps over the lazy dog. It was a rainy day."


def test_prose_diff_of_chinese_is_per_character() -> None:
    diff = diff_prose("今天天气很好。我们去公园。", "今天天气很差。我们去公园。")
    assert [(h.old_text, h.new_text) for h in diff.hunks] == [("好", "差")]


def test_identical_texts_have_no_hunks() -> None:
    assert diff_code("a\n", "a\n").identical
    assert diff_prose("", "").identical
    assert unified_diff("a\n", "a\n", "x.py") == ""


texts = st.text(alphabet=st.sampled_from(list("ab \t\n\r.é中😀")), max_size=60)


@given(texts, texts, st.booleans(), st.sets(st.integers(0, 30)))
@settings(max_examples=300)
def test_any_subset_of_hunks_applies(old: str, new: str, by_lines: bool, chosen: set[int]) -> None:
    diff = diff_text(old, new, by_lines=by_lines)
    assert diff.apply() == new
    assert diff.apply(set()) == old
    assert diff.apply(set(range(len(diff.hunks)))) == new
    result = diff.apply(chosen)
    # each hunk is taken whole from one side: applying the rest on top gives the new text
    rest = {h.index for h in diff.hunks} - chosen
    again = diff_text(result, new, by_lines=by_lines)
    assert again.apply() == new
    assert len(again.hunks) <= len(rest)
    for hunk in diff.hunks:
        assert isinstance(hunk, Hunk)
        assert old[hunk.old_start : hunk.old_end] == hunk.old_text
        assert new[hunk.new_start : hunk.new_end] == hunk.new_text


def test_lines_keep_their_endings() -> None:
    assert split_lines("a\r\nb\n\tc") == ["a\r\n", "b\n", "\tc"]
    assert line_count("") == 0
    assert line_count("x") == 1


def test_unified_diff_header_and_no_newline_marker() -> None:
    text = unified_diff("a\nb", "a\nc", "src/x.py")
    assert text.splitlines()[:3] == ["--- a/src/x.py", "+++ b/src/x.py", "@@ -1,2 +1,2 @@"]
    assert text.endswith("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")


def test_deleted_line_share() -> None:
    old = "".join(f"line {i}\n" for i in range(10))
    assert deleted_line_share(old, old) == 0.0
    assert deleted_line_share(old, old.replace("line 3", "LINE 3")) == 0.0
    assert deleted_line_share(old, "line 0\nline 1\nline 2\n") == 0.7
    assert deleted_line_share("", "x\n") == 0.0


def test_match_line_endings() -> None:
    assert match_line_endings("a\nb", "x\r\ny\r\n") == "a\r\nb\r\n"
    assert match_line_endings("a\nb\n", "x\ny") == "a\nb"
    assert match_line_endings("a\r\nb\n", "x\n") == "a\nb\n"
    assert match_line_endings("a", "") == "a"


PATCH = shutil.which("patch")

CASES = {
    "crlf": ("one\r\ntwo\r\nthree\r\n", "one\r\nTWO\r\nthree\r\nfour\r\n"),
    "tabs": ("if x:\n\treturn 1\n\telse:\n", "if x:\n\treturn 2\n\telse:\n\t\tpass\n"),
    "no_final_newline_old": ("a\nb\nc", "a\nB\nc\n"),
    "no_final_newline_new": ("a\nb\nc\n", "a\nb\nC"),
    "no_final_newline_both": ("a\nb", "a\nc"),
    "non_ascii": ("名前 = '世界'\nx = 'é'\n", "名前 = '地球'\nx = 'é😀'\n"),
    "from_empty": ("", "new file\n"),
    "to_empty": ("old\nfile\n", ""),
    "many_hunks": (
        "".join(f"line {i}\n" for i in range(100)),
        "".join(f"line {i}\n" if i % 17 else f"changed {i}\n" for i in range(100)),
    ),
}


@pytest.mark.skipif(PATCH is None, reason="needs GNU patch")
@pytest.mark.parametrize("name", sorted(CASES))
def test_patch_applies_the_unified_diff(tmp_path: Path, name: str) -> None:
    old, new = CASES[name]
    target = tmp_path / "pkg" / "naïve file.py"
    target.parent.mkdir()
    target.write_bytes(old.encode())
    patch_text = unified_diff(old, new, "pkg/naïve file.py")
    result = subprocess.run(
        [str(PATCH), "-p1", "--batch", "--no-backup-if-mismatch"],
        input=patch_text.encode(),
        cwd=tmp_path,
        capture_output=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert target.read_bytes() == new.encode()


def test_a_5000_line_file() -> None:
    old_lines = [f"    value_{i} = compute({i})\n" for i in range(5000)]
    new_lines = list(old_lines)
    for i in range(0, 5000, 250):
        new_lines[i] = f"    value_{i} = compute({i}) + 1\n"
    del new_lines[4100:4110]
    old, new = "".join(old_lines), "".join(new_lines)
    diff = diff_code(old, new)
    assert len(diff.hunks) == 21
    assert diff.apply() == new
    kept = diff.apply({h.index for h in diff.hunks if h.kind != "delete"})
    assert line_count(kept) == 5000


def test_a_rewrite_of_thousands_of_words_is_diffed_in_slices_and_still_applies() -> None:
    words = [f"w{i % 97}" for i in range(12_000)]
    old = " ".join(words) + "."
    new = " ".join(reversed(words)) + "!"
    diff = diff_prose(old, new)
    assert diff.apply() == new
    every_other = {h.index for h in diff.hunks if h.index % 2}
    result = diff.apply(every_other)
    assert diff_prose(result, new).apply() == new
    assert "".join(p if isinstance(p, str) else p.new_text for p in diff.pieces()) == new
