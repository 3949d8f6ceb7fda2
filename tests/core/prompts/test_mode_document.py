"""The mode editor's document: edits keep a hand-written file's layout, and every field the
editor can make loads back equal."""

from __future__ import annotations

import keyword
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.prompts.mode_document import ModeDocument, new_mode_text
from assistant.core.prompts.mode_schema import parse_mode
from assistant.core.prompts.mode_types import Field

HAND_WRITTEN = '''# My summariser — written by hand.
id = "sum"
title = "Summary"   # shown in the list

[prompt]
# the system prompt stays as written
system = \'\'\'Be brief.\'\'\'
user = """
Summarise {{ text }}.
"""

[[fields]]
name = "text"      # the main text
kind = "multiline"
required = true
'''

NAMES = st.text(string.ascii_lowercase + "_", min_size=1, max_size=12).filter(
    lambda n: (
        n.isidentifier()
        and not keyword.iskeyword(n)
        and n not in {"text", "true", "false", "none", "loop", "self", "super", "varargs", "kwargs"}
        and n not in {"fence", "code_block", "language_name"}
    )
)
TEXTS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
"""What a line edit holds (no line breaks or control characters)."""
CHOICES = TEXTS.map(str.strip).filter(lambda c: bool(c) and "," not in c)
"""What the comma-separated choices box makes: trimmed, non-empty, no commas."""


@st.composite
def fields(draw: st.DrawFn) -> Field:
    name = draw(NAMES)
    kind = draw(st.sampled_from(["text", "multiline", "code", "choice", "int", "bool"]))
    choices: tuple[str, ...] = ()
    default: str | int | bool = ""
    if kind == "choice":
        choices = tuple(draw(st.lists(CHOICES, min_size=1, max_size=4, unique=True)))
        default = draw(st.sampled_from(choices))
    elif kind == "int":
        default = draw(st.integers(-1000, 1000))
    elif kind == "bool":
        default = draw(st.booleans())
    else:
        default = draw(TEXTS)
    return Field(
        name=name,
        label=draw(TEXTS.filter(bool)),
        kind=kind,  # type: ignore[arg-type]
        default=default,
        required=draw(st.booleans()),
        choices=choices,
        help=draw(TEXTS),
        placeholder=draw(TEXTS),
    )


def editor_values(item: Field) -> dict[str, object]:
    """What the editor's field form sets for ``item``."""
    values: dict[str, object] = {
        "name": item.name,
        "label": item.label,
        "kind": item.kind,
        "required": item.required,
        "choices": list(item.choices),
        "help": item.help,
        "placeholder": item.placeholder,
    }
    if item.kind in ("int", "bool") or item.default != "":
        values["default"] = item.default
    return values


@settings(max_examples=150, deadline=None)
@given(fields())
def test_any_field_the_editor_makes_loads_back_equal(item: Field) -> None:
    document = ModeDocument(new_mode_text("mine", "Mine"))
    index = document.add_field({"name": item.name})
    for key, value in editor_values(item).items():
        document.set_field(index, key, value)
    document.set_prompt("user", document.prompt("user") + "{{ " + item.name + " }}\n")
    mode = parse_mode(document.text(), source="mine.toml")
    assert mode.fields[1] == item
    again = ModeDocument(document.text())
    assert again.text() == document.text()


def test_editing_keeps_comments_layout_and_untouched_spelling() -> None:
    document = ModeDocument(HAND_WRITTEN)
    document.set("title", "Short summary")
    document.set("group", "Writing")
    document.set_prompt("user", "Summarise {{ text }} in {{ words }} words.\n")
    index = document.add_field({"name": "words", "kind": "int", "default": 50})
    document.set_field(index, "label", "Words")
    document.set_prompt("system", "Be brief.")  # unchanged: its '''literal''' style stays
    text = document.text()
    assert "# My summariser — written by hand." in text
    assert 'title = "Short summary"   # shown in the list' in text
    assert "# the system prompt stays as written\nsystem = '''Be brief.'''" in text
    assert 'name = "text"      # the main text' in text
    mode = parse_mode(text, source="sum.toml")
    assert (mode.title, mode.group) == ("Short summary", "Writing")
    assert [f.name for f in mode.fields] == ["text", "words"]
    assert mode.fields[1].default == 50
    document.move_field(1, 0)
    document.set_field(1, "required", False)  # removes the key
    document.set("group", "")  # removes the key
    moved = parse_mode(document.text(), source="sum.toml")
    assert [f.name for f in moved.fields] == ["words", "text"]
    assert not moved.fields[1].required and moved.group == ""
    document.remove_field(0)
    assert [f["name"] for f in document.fields()] == ["text"]
