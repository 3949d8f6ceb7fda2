"""Problems of a mode file at their line and column in the file, through TOML string escapes."""

from __future__ import annotations

from assistant.core.prompts.mode_check import check_mode_text, string_positions

FIELD = '\n[[fields]]\nname = "topic"\nrequired = true\n'


def test_positions_follow_escapes_and_line_ending_backslashes() -> None:
    text = 'x = 1\n[prompt]\nuser = """\nab \\\n    cd\\t{{ e }}"""\n'
    positions = string_positions(text, ("prompt", "user"))
    decoded = "ab cd\t{{ e }}"
    assert len(positions) == len(decoded) + 1
    assert positions[0] == (4, 1)  # 'a': the newline after the opener is trimmed
    assert positions[3] == (5, 5)  # 'c' after the backslash-newline and the indentation
    assert positions[5] == (5, 7)  # the tab, written as two characters \t
    assert positions[6] == (5, 9)  # '{' after it


def test_literal_and_single_line_strings() -> None:
    text = '[prompt]\nsystem = \'as \\n is\'\nuser = "a\\"b"\n'
    assert string_positions(text, ("prompt", "system"))[3] == (2, 14)  # the backslash itself
    assert string_positions(text, ("prompt", "user"))[2] == (3, 12)  # 'b' after \"


def test_unknown_names_point_at_the_name_in_either_template() -> None:
    text = '[prompt]\nsystem = "Hi {{ who }}"\nuser = """\n{{ topic }}\n{{ when }}"""' + FIELD
    problems = check_mode_text(text, "m.toml", "m")
    assert [(p.line, p.column) for p in problems] == [(2, 17), (5, 4)]
    assert "'who'" in problems[0].message and "'when'" in problems[1].message


def test_builtin_variables_are_known_and_a_clean_file_has_no_problems() -> None:
    text = f'[prompt]\nuser = "{{{{ topic }}}} on {{{{ today }}}} ({{{{ locale }}}})"{FIELD}'
    assert check_mode_text(text, "m.toml", "m") == []


def test_schema_and_toml_errors_keep_their_positions() -> None:
    [problem] = check_mode_text('title = "x"\ndescription =\n', "m.toml", "m")
    assert (problem.line, problem.column) == (2, 14)
    [problem] = check_mode_text(f'titel = "x"\n[prompt]\nuser = "{{{{ topic }}}}"{FIELD}', "m", "m")
    assert problem.line == 1 and "titel" in problem.message
