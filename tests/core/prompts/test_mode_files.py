"""Importing prompt lists and mode files, and writing a person's own modes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant.core.prompts.mode_files import (
    ModeFile,
    ModeFileError,
    escape_template,
    prompt_list_modes,
    read_import,
    write_mode,
)
from assistant.core.prompts.mode_schema import parse_mode
from assistant.core.prompts.mode_types import render_messages
from assistant.core.prompts.templates import render

PIECES = st.sampled_from(
    [*"{}%#-+ \t\nab\\'\"", "{%", "%}", "{{", "}}", "{#", "#}", "raw", "endraw", "é", "😀", "\x00"]
)


@settings(max_examples=400)
@given(st.lists(PIECES, max_size=30).map("".join))
@example("{{\n ")  # spaces before the closing tag on its own line (lstrip_blocks)
@example("\n{%\n")
def test_an_escaped_text_renders_to_itself(text: str) -> None:
    assert render(escape_template(text), {}) == text


def test_a_prompt_list_becomes_simple_modes_that_send_the_prompt_as_written() -> None:
    csv_text = (
        '\ufeffact,prompt,for_devs\n"Linux Terminal","Act as a terminal. {{ not a var }}",TRUE\n'
        '"Article","Write an article.",FALSE\n"Empty",,FALSE\n'
    )
    items, skipped = prompt_list_modes(csv_text, "prompts.csv")
    assert [item.mode_id for item in items] == ["linux-terminal", "article-2"]  # built-in taken
    assert skipped == ["prompts.csv:4: a row needs a name and a prompt"]
    mode = parse_mode(items[0].text, source="x", default_id=items[0].mode_id)
    assert mode.title == "Linux Terminal" and [f.name for f in mode.fields] == ["input"]
    messages = render_messages(mode, {"input": "ls {{ 7*7 }}"})
    assert messages == [
        {"role": "system", "content": "Act as a terminal. {{ not a var }}"},
        {"role": "user", "content": "ls {{ 7*7 }}"},
    ]


def test_a_list_with_no_usable_row_is_refused() -> None:
    with pytest.raises(ModeFileError, match="no prompt could be read"):
        prompt_list_modes("act,prompt\nonly a name,\n")


def test_writing_checks_the_text_and_never_overwrites_silently(tmp_path: Path) -> None:
    good = 'title = "T"\n# mine\n[prompt]\nuser = "{{ x }}"\n[[fields]]\nname = "x"\n'
    path = write_mode(ModeFile("mine", "T", good), tmp_path)
    assert path == tmp_path / "mine.toml" and path.read_text(encoding="utf-8") == good
    with pytest.raises(FileExistsError):
        write_mode(ModeFile("mine", "T", good), tmp_path)
    with pytest.raises(ModeFileError, match="unknown name 'y'"):
        write_mode(ModeFile("mine", "T", good.replace("{{ x }}", "{{ y }}")), tmp_path, True)
    assert path.read_text(encoding="utf-8") == good
    items, skipped = read_import(path)
    assert [item.mode_id for item in items] == ["mine"] and skipped == []


def test_a_chinese_prompt_list_keeps_its_names_as_ids() -> None:
    csv_text = (
        'act,prompt\n"翻译官","请把我的话翻译成英文"\n"充当 Linux 终端","我想让你充当 Linux 终端"\n'
    )
    items, skipped = prompt_list_modes(csv_text, "prompts-zh.csv")
    assert skipped == []
    assert [item.mode_id for item in items] == ["翻译官", "充当-linux-终端"]  # not prompt, prompt-2
    mode = parse_mode(items[0].text, source="x", default_id=items[0].mode_id)
    assert mode.id == "翻译官" and mode.title == "翻译官"


@pytest.mark.parametrize("mode_id", ["Article", "-x", "_x", "a b", "a/b", "x\n", ""])
def test_an_id_that_is_not_lower_case_letters_digits_dashes_is_refused(mode_id: str) -> None:
    text = f'id = {json.dumps(mode_id)}\n[prompt]\nuser = "{{{{ t }}}}"\n[[fields]]\nname = "t"\n'
    with pytest.raises(ValueError, match="must be lower-case letters"):
        parse_mode(text, source="x")


def test_rows_with_the_same_name_get_numbered_titles() -> None:
    csv_text = (
        'act,prompt\n"Poet","Write a poem."\n"Poet","Write a sonnet."\n"poet","Write a haiku."\n'
        '"Poet (2)","Write a limerick."\n"Critic","Judge it."\n'
    )
    items, skipped = prompt_list_modes(csv_text, "prompts.csv")
    assert skipped == []
    titles = ["Poet", "Poet (2)", "poet (3)", "Poet (2) (2)", "Critic"]
    assert [item.title for item in items] == titles
    modes = [parse_mode(item.text, source="x", default_id=item.mode_id) for item in items]
    assert [mode.title for mode in modes] == titles
    assert len({mode.id for mode in modes}) == len(modes)
