"""Safe rendering: values pass through unchanged, templates cannot escape the sandbox."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.core.prompts.templates import (
    TemplateError,
    check_template,
    code_block,
    fence,
    render,
    template_names,
)

NASTY = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}{% endfor %}",
    "{#",
    "{{",
    "}}",
    "{",
    "}",
    "$x",
    "${x}",
    "%s",
    "%(name)s",
    "\\",
    "\\n",
    "\x00",
    "\r\n",
    "\r",
    "\ud800",
    "\udfff",
    "é",
    "日本語",
    "🎉",
    "👩‍💻",
    "```",
    "`````",
    "{% raw %}",
    "{{ value.__class__ }}",
]
nasty_text = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(alphabet=st.characters(exclude_categories=()))),
    max_size=8,
).map("".join)


@given(nasty_text)
def test_values_arrive_unchanged(value: str) -> None:
    assert render("A{{ value }}B", {"value": value}) == f"A{value}B"


@given(nasty_text, nasty_text)
def test_values_are_never_rendered_twice(first: str, second: str) -> None:
    template = "{{ first }}|{% if second %}{{ second }}{% endif %}"
    assert render(template, {"first": first, "second": second}) == f"{first}|{second}"


@given(nasty_text)
def test_code_block_keeps_code_and_cannot_be_closed_early(code: str) -> None:
    block = code_block(code, "python")
    marker = fence(code)
    assert block.startswith(marker + "python\n")
    assert block.endswith("\n" + marker)
    assert code in block
    assert marker not in code
    # No line inside the block is a closing fence of the same or greater length.
    inner = block[len(marker) + len("python\n") : -len(marker)]
    assert not any(line.strip().startswith(marker) for line in inner.splitlines())


def test_fence_is_longer_than_any_backtick_run() -> None:
    assert fence("plain") == "```"
    assert fence("a ``` b") == "````"
    assert fence("`````") == "``````"


def test_code_block_info_cannot_break_the_fence() -> None:
    assert code_block("x\n", "py thon`\nevil").splitlines()[0] == "```py"
    assert code_block("x", "") == "```\nx\n```"


def test_template_text_keeps_its_trailing_newline() -> None:
    assert render("line\n", {}) == "line\n"


@pytest.mark.parametrize(
    "template",
    [
        "{{ value.__class__ }}",
        "{{ value.__class__.__mro__[1].__subclasses__() }}",
        "{{ value|attr('__class__') }}",
        "{{ '{0.__class__}'.format(value) }}",
        "{{ lipsum.__globals__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ fence.__globals__ }}",
        "{{ items.append(1) }}",
        "{{ items.pop() }}",
        "{% include '/etc/passwd' %}",
        "{% import 'os' as os %}",
        "{{ range(10**9)|list }}",
        "{{ undefined_name }}",
        "{{ value.no_such_attribute }}",
        "{{ 1 / 0 }}",
    ],
)
def test_escape_attempts_fail_with_template_error(template: str) -> None:
    with pytest.raises(TemplateError):
        render(template, {"value": "text", "items": [1, 2]})


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(TemplateError, match="line 2"):
        render("ok\n{% if %}", {})


def test_check_template_reports_unknown_names_and_allows_globals() -> None:
    check_template("{{ code_block(code, language) }}{{ fence(code) }}", ["code", "language"])
    with pytest.raises(TemplateError, match="tpoic"):
        check_template("{{ tpoic }}", ["topic"])
    assert template_names("{% set x = 1 %}{{ x }}{{ topic }}{{ language_name(l) }}") == {
        "topic",
        "l",
    }


def test_compiled_templates_are_cached() -> None:
    from assistant.core.prompts import templates

    source = "cached {{ value }}"
    render(source, {"value": 1})
    before = templates._compile.cache_info().hits
    render(source, {"value": 2})
    assert templates._compile.cache_info().hits == before + 1


def test_builtin_variables_render_and_a_field_of_the_same_name_wins() -> None:
    from datetime import datetime

    from assistant.core.prompts.mode_schema import parse_mode
    from assistant.core.prompts.mode_types import render_messages
    from assistant.core.prompts.templates import builtin_values

    moment = datetime(2026, 11, 30, 8, 5)
    values = builtin_values(moment, "zh_CN", clipboard="copied", selection="chosen")
    assert values == {
        "today": "2026-11-30",
        "now": "2026-11-30 08:05",
        "weekday": "Monday",
        "locale": "zh_CN",
        "clipboard": "copied",
        "selection": "chosen",
    }
    text = (
        'title = "T"\n[prompt]\nuser = "{{ today }}|{{ weekday }}|{{ locale }}|{{ clipboard }}'
        '|{{ selection }}|{{ now }}"\n[[fields]]\nname = "now"\n'
    )
    mode = parse_mode(text, source="t")
    [message] = render_messages(mode, {"now": "{{ field }}"}, values)
    assert message["content"] == "2026-11-30|Monday|zh_CN|copied|chosen|{{ field }}"
