"""Modes as data: loading, validation, coercion, rendering, user overrides."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.base import i18n
from assistant.core.prompts.modes import (
    BUILTIN_ORDER,
    FIELD_KINDS,
    Field,
    InvalidValues,
    Mode,
    ModeError,
    builtin_modes,
    load_mode_file,
    load_modes,
    parse_mode,
    render_messages,
    user_modes_dir,
)
from assistant.core.prompts.templates import TemplateError

MODES = builtin_modes()
REPO = Path(__file__).resolve().parents[3]

MINIMAL = """
title = "Haiku"
[prompt]
user = "Write a haiku about {{ subject }}."
[[fields]]
name = "subject"
required = true
"""


def get(mode: Mode, name: str) -> Field:
    found = mode.field(name)
    assert found is not None, name
    return found


def user_text(messages: list[dict[str, str]]) -> str:
    return "\n".join(message["content"] for message in messages)


def test_builtin_modes_load_in_product_order() -> None:
    assert tuple(MODES) == BUILTIN_ORDER
    for mode in MODES.values():
        assert mode.source.startswith("builtin:")
        assert mode.main_field in mode.field_names
        assert all(item.kind in FIELD_KINDS for item in mode.fields)
        assert mode.validate(mode.defaults()) == [
            f"{item.label} is required." for item in mode.fields if item.required
        ]


def test_mode_attributes_the_gui_and_cli_rely_on() -> None:
    article, ads, complete, explain = (MODES[mode_id] for mode_id in BUILTIN_ORDER[:4])
    assert article.field_names == ("topic", "audience", "tone", "length", "outline", "notes")
    assert article.main_field == "notes" and article.output == "markdown"
    assert get(article, "length").default == 600 and get(article, "length").kind == "int"
    assert get(article, "outline").kind == "bool" and get(article, "notes").kind == "multiline"
    assert get(ads, "channel").choices == (
        "search ad",
        "social post",
        "email subject",
        "landing page",
    )
    assert (get(ads, "variants").minimum, get(ads, "variants").maximum) == (1, 10)
    assert get(ads, "variants").default == 3
    assert complete.output == "code" and complete.output_language_field == "language"
    assert complete.main_field == "code" and get(complete, "code").kind == "code"
    assert get(complete, "language").default == "python"
    assert complete.params.temperature == pytest.approx(0.2)
    assert get(explain, "detail").choices == ("brief", "line by line")
    assert get(explain, "language").default == ""
    assert article.field("nope") is None


def test_article_with_outline_asks_for_one() -> None:
    mode = MODES["article"]
    with_outline = user_text(render_messages(mode, {"topic": "Tea", "outline": True}))
    without = user_text(render_messages(mode, {"topic": "Tea", "outline": False}))
    assert "Begin with an outline" in with_outline
    assert "without an outline" in without
    assert "Topic: Tea" in with_outline and "about 600 words" in with_outline


def test_render_messages_gives_system_then_user() -> None:
    messages = render_messages(MODES["article"], {"topic": "Tea"})
    assert [message["role"] for message in messages] == ["system", "user"]


@pytest.mark.parametrize(
    ("channel", "limits"),
    [
        ("search ad", ["30 characters", "90 characters"]),
        ("social post", ["280 characters"]),
        ("email subject", ["60 characters"]),
        ("landing page", ["headline", "subheadline", "call-to-action"]),
    ],
)
def test_ad_copy_states_the_channel_limits(channel: str, limits: list[str]) -> None:
    text = user_text(render_messages(MODES["ad-copy"], {"product": "Lamp", "channel": channel}))
    assert f"Channel: {channel}" in text
    for limit in limits:
        assert limit in text
    assert "Write 3 variants" in text


def test_code_complete_shows_code_before_and_after_the_cursor() -> None:
    before, after = "def area(r):\n    return ", "\n\nprint(area(2))\n"
    messages = render_messages(MODES["code-complete"], {"code": before, "after": after})
    text = user_text(messages)
    assert f"```python\n{before}<CURSOR>{after}```" in text
    assert "ONLY the code" in messages[0]["content"] and "Python" in messages[0]["content"]


def test_code_complete_fence_survives_pasted_markdown() -> None:
    code = "doc = '''\n```\nnot the end\n```\n'''\n"
    text = user_text(render_messages(MODES["code-complete"], {"code": code}))
    assert f"````python\n{code}<CURSOR>\n````" in text


def test_code_explain_detects_the_language_when_empty() -> None:
    code = 'fn main() {\n    let mut total = 0;\n    println!("{}", total);\n}\n'
    mode = MODES["code-explain"]
    assert "```rust\n" + code + "```" in user_text(render_messages(mode, {"code": code}))
    assert mode.code_language({"code": code, "language": ""}) == "rust"
    chosen = user_text(render_messages(mode, {"code": code, "language": "C++"}))
    assert "```cpp\n" in chosen and "C++ code" in chosen
    line_by_line = user_text(render_messages(mode, {"code": code, "detail": "line by line"}))
    assert "line by line" in line_by_line


def test_code_explain_without_a_detectable_language_still_renders() -> None:
    text = user_text(render_messages(MODES["code-explain"], {"code": "???"}))
    assert "Explain this code briefly" in text and "```\n???\n```" in text


def test_output_language_for_highlighting() -> None:
    complete = MODES["code-complete"]
    assert complete.output_language(complete.coerce({"language": "C++"})) == "cpp"
    assert MODES["article"].output_language(MODES["article"].defaults()) == "markdown"


def text_values(mode: Mode) -> st.SearchStrategy[dict[str, object]]:
    """Arbitrary (nasty) text for every text field, valid values for the others."""
    nasty = st.sampled_from(
        ["{{ topic }}", "{% if x %}", "{#", "}}", "$x", "%s", "\\", "\x00", "\r\n", "\ud800",
         "é", "🎉", "```", "<CURSOR>", "</notes>"]
    )  # fmt: skip
    text = st.lists(
        st.one_of(nasty, st.text(alphabet=st.characters(exclude_categories=()))), max_size=6
    ).map("".join)
    strategies: dict[str, st.SearchStrategy[object]] = {}
    for item in mode.fields:
        if item.kind == "bool":
            strategies[item.name] = st.booleans()
        elif item.kind == "int":
            strategies[item.name] = st.integers(item.minimum, item.maximum)
        elif item.kind == "choice":
            strategies[item.name] = st.sampled_from(item.choices[:8])
        elif (
            item.kind == "image"
        ):  # names of stored images, not text (tests/core/prompts/test_images.py)
            strategies[item.name] = st.just([])
        elif item.required:
            strategies[item.name] = text.filter(str.strip)
        else:
            strategies[item.name] = text
    return st.fixed_dictionaries(strategies)


@pytest.mark.parametrize("mode_id", BUILTIN_ORDER)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_text_value_arrives_unchanged(mode_id: str, data: st.DataObject) -> None:
    mode = MODES[mode_id]
    values = data.draw(text_values(mode))
    rendered = user_text(render_messages(mode, values))
    for item in mode.fields:
        if item.kind in ("text", "multiline", "code"):
            value = values[item.name]
            assert isinstance(value, str) and value in rendered, item.name


def test_cli_strings_are_coerced() -> None:
    mode = MODES["article"]
    values = mode.coerce({"outline": "yes", "length": " 800 ", "tone": "Friendly"})
    assert values["outline"] is True and values["length"] == 800 and values["tone"] == "friendly"
    assert values["topic"] == "" and values["notes"] == ""  # defaults filled in
    for word in ("true", "TRUE", "1", "on", "y"):
        assert mode.coerce({"outline": word})["outline"] is True
    for word in ("false", "no", "0", "off", ""):
        assert mode.coerce({"outline": word})["outline"] is False
    assert mode.coerce({"outline": None})["outline"] is False
    language = MODES["code-complete"].coerce({"language": "golang"})["language"]
    assert language == "go"
    assert MODES["code-complete"].coerce({"language": "zig"})["language"] == "zig"


def test_validation_messages_are_clear() -> None:
    mode = MODES["ad-copy"]
    bad = mode.coerce(
        {"product": "  ", "variants": "eleven", "channel": "billboard", "colour": "red"}
    )
    assert mode.validate(bad) == [
        "Unknown field “colour”; this mode has: product, audience, benefits, tone, channel, "
        "variants, notes.",
        "Product is required.",
        "Channel must be one of: “search ad”, “social post”, “email subject”, “landing page”.",
        "Variants must be a whole number.",
    ]
    assert mode.validate(mode.coerce({"product": "x", "variants": "11"})) == [
        "Variants must be at most 10."
    ]
    assert mode.validate(mode.coerce({"product": "x", "variants": 0})) == [
        "Variants must be at least 1."
    ]
    assert MODES["article"].validate({"topic": "x", "outline": "maybe"}) == [
        "Start with an outline must be yes or no."
    ]
    with pytest.raises(InvalidValues) as caught:
        render_messages(mode, {"variants": "0"})
    assert caught.value.errors == ["Product is required.", "Variants must be at least 1."]


def test_languages_outside_the_list_are_accepted_if_known() -> None:
    mode = MODES["code-complete"]
    assert mode.validate(mode.coerce({"code": "x", "language": "Fortran"})) == []
    assert mode.validate(mode.coerce({"code": "x", "language": "klingon"})) != []


def test_validation_messages_go_through_tr() -> None:
    i18n.install(lambda context, text: f"[{context}] {text}")
    try:
        assert MODES["article"].validate({}) == ["[modes] Topic is required."]
    finally:
        i18n.install(None)


def test_choice_labels() -> None:
    language = get(MODES["code-explain"], "language")
    assert language.choice_label("") == "Detect automatically"
    assert language.choice_label("cpp") == "C++"
    assert get(MODES["code-explain"], "detail").choice_label("brief") == "brief"
    assert language.choices[0] == "" and "python" in language.choices


@pytest.fixture
def user_dir(app_home: Path) -> Iterator[Path]:
    folder = user_modes_dir()
    assert folder.is_relative_to(app_home)
    folder.mkdir(parents=True)
    yield folder


def test_user_modes_override_and_extend_builtins(user_dir: Path) -> None:
    (user_dir / "article.toml").write_text(MINIMAL.replace("Haiku", "My article"), encoding="utf-8")
    (user_dir / "haiku.toml").write_text(MINIMAL, encoding="utf-8")
    catalog = load_modes()
    assert list(catalog) == [*BUILTIN_ORDER, "haiku"]
    assert catalog["article"].title == "My article"
    assert catalog["article"].source == str(user_dir / "article.toml")
    assert catalog.errors == []
    messages = render_messages(catalog["haiku"], {"subject": "{{ rain }}"})
    assert messages == [{"role": "user", "content": "Write a haiku about {{ rain }}."}]
    assert catalog["haiku"].main_field == "subject"
    assert list(load_modes(include_user=False)) == list(BUILTIN_ORDER)


def test_broken_user_files_are_reported_not_fatal(user_dir: Path) -> None:
    (user_dir / "a-bad-toml.toml").write_text("title = \n", encoding="utf-8")
    (user_dir / "b-typo.toml").write_text(MINIMAL + "\ntitel = 'x'\n", encoding="utf-8")
    (user_dir / "c-unknown-name.toml").write_text(
        MINIMAL.replace("{{ subject }}", "{{ subjcet }}"), encoding="utf-8"
    )
    (user_dir / "d-bad-kind.toml").write_text(MINIMAL + 'kind = "date"\n', encoding="utf-8")
    (user_dir / "e-binary.toml").write_bytes(b"\xff\xfe\x00")
    (user_dir / "fine.toml").write_text(MINIMAL, encoding="utf-8")
    catalog = load_modes()
    assert "fine" in catalog and list(catalog)[: len(BUILTIN_ORDER)] == list(BUILTIN_ORDER)
    messages = {Path(error.source).name: error.message for error in catalog.errors}
    assert list(messages) == [
        "a-bad-toml.toml",
        "b-typo.toml",
        "c-unknown-name.toml",
        "d-bad-kind.toml",
        "e-binary.toml",
    ]
    assert "not valid TOML" in messages["a-bad-toml.toml"]
    assert "titel" in messages["b-typo.toml"]
    assert "subjcet" in messages["c-unknown-name.toml"]
    assert "kind must be one of" in messages["d-bad-kind.toml"]
    assert "cannot read" in messages["e-binary.toml"]
    assert str(catalog.errors[0]).startswith(str(user_dir / "a-bad-toml.toml") + ": ")


def test_a_sandbox_escape_in_a_user_template_fails_safely(user_dir: Path) -> None:
    escape = MINIMAL.replace("{{ subject }}", "{{ subject.__class__.__mro__ }}")
    (user_dir / "evil.toml").write_text(escape, encoding="utf-8")
    mode = load_modes()["evil"]
    with pytest.raises(TemplateError, match="not allowed"):
        render_messages(mode, {"subject": "x"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('name = "subject"', 'name = "fence"'), "cannot be a field name"),
        (('name = "subject"', 'name = "class"'), "cannot be a field name"),
        (('title = "Haiku"', 'title = "Haiku"\nid = "Bad Id"'), "id 'Bad Id'"),
        (('title = "Haiku"', 'title = "Haiku"\noutput = "code"'), "output_language_field"),
        (('title = "Haiku"', 'title = "Haiku"\nmain_field = "x"'), "main_field"),
        (("required = true", 'kind = "choice"'), "needs choices"),
        (("required = true", 'kind = "int"\nminimum = 5\ndefault = 1'), "at least 5"),
        (("[prompt]", '[params]\ntemperature = "hot"\n[prompt]'), "temperature"),
        (("user = ", 'system = "{% if %}"\nuser = '), "syntax error"),
        (('title = "Haiku"', 'title = "Haiku"\noutput = "table"'), "needs columns"),
        (('title = "Haiku"', 'title = "Haiku"\ncolumns = ["a"]'), "only for output = 'table'"),
        (
            ('title = "Haiku"', 'title = "Haiku"\noutput = "table"\ncolumns = ["a", "a"]'),
            "distinct",
        ),
        (('title = "Haiku"', 'title = "Haiku"\nanswer_replaces = "x"'), "answer_replaces 'x'"),
        (('title = "Haiku"', 'title = "Haiku"\nanswer_replaces = "subject"'), "multiline or code"),
    ],
)
def test_schema_errors_are_explained(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ModeError, match=message):
        parse_mode(MINIMAL.replace(*change), source="test.toml")


def test_load_mode_file_uses_the_file_name_as_id(tmp_path: Path) -> None:
    path = tmp_path / "my-mode.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    mode = load_mode_file(path)
    assert mode.id == "my-mode" and mode.title == "Haiku"
    assert get(mode, "subject") == Field(name="subject", label="Subject", required=True)


def test_builtin_modes_load_from_a_zipped_package(tmp_path: Path) -> None:
    """importlib.resources, not file paths: the modes load from a zip import like a wheel."""
    archive = tmp_path / "assistant.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in (REPO / "assistant").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                bundle.write(path, path.relative_to(REPO).as_posix())
    script = (
        "import assistant.core.prompts.modes as m; "
        f"assert m.__file__.startswith({str(archive)!r}), m.__file__; "
        "print(','.join(m.load_modes(include_user=False)))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(archive)!r}); {script}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ",".join(BUILTIN_ORDER)


def test_shipped_templates_compile_and_use_only_their_fields() -> None:
    """Built-ins skip the template check at start-up (speed); it must hold here instead."""
    from assistant.core.base.resources import list_resources

    for item in list_resources("modes", suffix=".toml"):
        parse_mode(item.read_text(encoding="utf-8"), source=item.name, check_templates=True)
