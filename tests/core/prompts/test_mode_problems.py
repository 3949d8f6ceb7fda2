"""Broken mode files are reported with the file, the line and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.prompts.mode_schema import ModeError, parse_mode
from assistant.core.prompts.modes import load_modes, user_modes_dir
from assistant.core.prompts.toml_lines import dotted, key_line

MINIMAL = """title = "Haiku"
[prompt]
user = "Write a haiku about {{ subject }}."
[[fields]]
name = "subject"
required = true
"""


def problem(text: str) -> ModeError:
    with pytest.raises(ModeError) as caught:
        parse_mode(text, source="my.toml")
    return caught.value


def test_a_toml_syntax_error_names_its_line_and_column() -> None:
    error = problem('title = "Haiku"\nicon = \n')
    assert (error.line, error.column) == (2, 8)
    assert error.message == "not valid TOML: Invalid value"
    assert error.describe() == "my.toml:2:8: not valid TOML: Invalid value"
    assert str(error) == "my.toml: not valid TOML: Invalid value"


def test_an_unterminated_document_points_at_its_last_line() -> None:
    error = problem('title = "Haiku"\nchoices = ["a",\n')
    assert error.line == 2 and "not valid TOML" in error.message


@pytest.mark.parametrize(
    ("text", "line", "key", "reason"),
    [
        (MINIMAL.replace("[prompt]", 'titel = "x"\n[prompt]'), 2, "titel", "titel"),
        (MINIMAL + '[[fields]]\nname = "x"\nkind = "date"\n', 9, "fields[1].kind", "kind"),
        (MINIMAL.replace("{{ subject }}", "{{ subjcet }}"), 3, "prompt.user", "subjcet"),
        (MINIMAL + '[[fields]]\nname = "subject"\n', 8, "fields[1].name", "duplicate"),
        (
            MINIMAL.replace("[prompt]", "[params]\ntop_p = true\n[prompt]"),
            3,
            "params.top_p",
            "top_p",
        ),
        (MINIMAL.replace('title = "Haiku"', 'id = "Bad Id"'), 1, "id", "Bad Id"),
        (MINIMAL + "minimum = 1.5\n", 7, "fields[0].minimum", "minimum must be a int"),
    ],
)
def test_a_schema_error_names_the_key_and_its_line(
    text: str, line: int, key: str, reason: str
) -> None:
    error = problem(text)
    assert error.key == key
    assert error.line == line, error.describe()
    assert reason in error.message
    assert error.describe().startswith(f"my.toml:{line}: ")


def test_a_missing_table_has_no_line_to_name() -> None:
    error = problem('title = "Haiku"\n[[fields]]\nname = "subject"\n')
    assert error.key == "prompt" and error.line is None
    assert error.describe() == f"my.toml: {error.message}"


def test_key_lines_skip_multiline_strings_and_count_arrays_of_tables() -> None:
    text = "\n".join(
        [
            "[prompt]",
            'system = """',
            'kind = "not a key, text"',
            '"""',
            "user = 'x'",
            "[[fields]]",
            "name = 'a'",
            "[[fields]]",
            "'name' = 'b'",
            "kind = 'int'",
            "[params]",
            "top_p.x = 1",
        ]
    )
    assert key_line(text, ("prompt", "user")) == 5
    assert key_line(text, ("fields", 1, "kind")) == 10
    assert key_line(text, ("fields", 1, "name")) == 9
    assert key_line(text, ("fields", 0, "kind")) == 6  # not set: its table's header
    assert key_line(text, ("params", "top_p", "x")) == 12
    assert key_line(text, ("absent",)) is None
    assert dotted(("fields", 1, "kind")) == "fields[1].kind"


def test_the_catalog_lists_each_broken_file_with_its_line(app_home: Path) -> None:
    folder = user_modes_dir()
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('title = "x"\n\ntitle = "y"\n', encoding="utf-8")
    (folder / "unreadable.toml").write_bytes(b"\xff\xfe\x00")
    (folder / "fine.toml").write_text(MINIMAL, encoding="utf-8")
    catalog = load_modes()
    assert "fine" in catalog
    found = {Path(error.source).name: error for error in catalog.errors}
    assert list(found) == ["broken.toml", "unreadable.toml"]
    assert found["broken.toml"].line == 3
    assert found["broken.toml"].describe().startswith(f"{folder / 'broken.toml'}:3:")
    assert found["unreadable.toml"].line is None
    assert found["unreadable.toml"].location == str(folder / "unreadable.toml")
