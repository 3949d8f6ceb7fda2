"""Matching sequences for the diff: valid difflib-shaped opcodes, anchored or not."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.text.sequence_match import Opcode, grouped, opcodes

items = st.lists(st.sampled_from("abcdefgh"), max_size=40)


def replay(old: list[str], new: list[str], codes: list[Opcode]) -> list[str]:
    """Check the opcodes cover both sides in order and rebuild ``new`` from ``old``."""
    out: list[str] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert old[i1:i2] == new[j1:j2]
        out += new[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(old), len(new))
    return out


@given(items, items, st.sampled_from([0, 3, 1500]))
@settings(max_examples=400)
def test_opcodes_turn_old_into_new(old: list[str], new: list[str], anchored_above: int) -> None:
    codes = opcodes(old, new, anchored_above)
    assert replay(old, new, codes) == new
    tags = [code[0] for code in codes]
    assert all(a != b for a, b in itertools.pairwise(tags))  # neighbours are joined


def test_unique_lines_anchor_a_long_file() -> None:
    old = [f"line {i}" for i in range(3000)] + ["", "}"] * 200
    new = list(old)
    new[10] = "changed 10"
    new[2500] = "changed 2500"
    del new[1000:1003]
    codes = opcodes(old, new)
    assert replay(old, new, codes) == new
    assert [code[0] for code in codes if code[0] != "equal"] == ["replace", "delete", "replace"]


def test_grouped_keeps_context_around_changes() -> None:
    old = [str(i) for i in range(20)]
    new = list(old)
    new[2], new[15] = "two", "fifteen"
    groups = list(grouped(opcodes(old, new), 3))
    assert [(g[0][1], g[-1][2]) for g in groups] == [(0, 6), (12, 19)]
    assert list(grouped(opcodes(old, old), 3)) == []
