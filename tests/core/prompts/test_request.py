"""The one request builder (window, crash recovery and CLI) and the cursor split a mode declares."""

from __future__ import annotations

import pytest

from assistant.core.prompts.modes import ModeError, builtin_modes, parse_mode
from assistant.core.prompts.request import (
    RequestError,
    build_request,
    merge_params,
    prepare_templates,
)
from assistant.core.providers.profiles import ProviderProfile

MODES = builtin_modes()
PROFILE = ProviderProfile("Loopback", "compatible", "http://127.0.0.1:9/v1", "profile-model")


def test_messages_fields_and_params_in_one_request() -> None:
    mode = MODES["article"]
    request = build_request(
        mode,
        {"topic": "Tea {x}", "length": "300"},
        PROFILE,
        {"temperature": 0.1, "max_tokens": 99},
        {"max_tokens": 321, "top_p": None, "model": "chosen"},
    )
    assert request.mode_id == "article"
    assert request.fields["length"] == 300  # CLI strings become the field's type
    assert request.fields["topic"] == "Tea {x}"
    assert "Tea {x}" in request.messages[-1]["content"]
    assert request.params.temperature == 0.1  # saved for the mode
    assert request.params.max_tokens == 321  # this request's override wins
    assert request.params.top_p == mode.params.top_p  # None never overrides
    assert request.model == "chosen"
    assert build_request(mode, {"topic": "Tea"}, PROFILE).model == "profile-model"


def test_every_problem_is_in_one_error() -> None:
    with pytest.raises(RequestError) as caught:
        build_request(MODES["ad-copy"], {"product": "", "variants": "0", "colour": "red"}, PROFILE)
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert any("colour" in problem for problem in problems)
    assert str(caught.value) == "\n".join(problems)


def test_a_broken_template_is_a_request_error() -> None:
    mode = parse_mode(
        'title = "T"\n[prompt]\nuser = "{{ subject.__class__ }}"\n[[fields]]\nname = "subject"\n',
        source="test.toml",
        check_templates=False,
    )
    with pytest.raises(RequestError, match="could not be rendered"):
        build_request(mode, {"subject": "x"}, PROFILE)


def test_merge_params_order() -> None:
    mode = MODES["code-complete"]
    merged = merge_params(mode, {"temperature": 0.9, "n": 2}, {"temperature": 0.5})
    assert (merged.temperature, merged.n, merged.max_tokens) == (0.5, 2, mode.params.max_tokens)


def test_code_complete_declares_its_cursor_split() -> None:
    mode = MODES["code-complete"]
    assert mode.after_cursor_field == "after"
    assert all(other.after_cursor_field is None for other in MODES.values() if other is not mode)
    request = build_request(mode, {"code": "def f():\n    ", "after": "\nf()\n"}, PROFILE)
    assert "def f():\n    <CURSOR>\nf()" in request.messages[-1]["content"]


@pytest.mark.parametrize(
    "declared",
    ['after_cursor_field = "nope"', 'after_cursor_field = "code"', 'after_cursor_field = "note"'],
)
def test_a_wrong_cursor_split_is_explained(declared: str) -> None:
    text = (
        f'title = "T"\nmain_field = "code"\n{declared}\n[prompt]\nuser = "{{{{ code }}}}"\n'
        '[[fields]]\nname = "code"\nkind = "code"\n[[fields]]\nname = "note"\n'
    )
    with pytest.raises(ModeError, match="after_cursor_field"):
        parse_mode(text, source="test.toml")


def test_prepare_templates_compiles_ahead_and_never_raises() -> None:
    from assistant.core.prompts import templates

    broken = parse_mode(
        'title = "T"\n[prompt]\nuser = "{{ subject.__class__ }}"\n[[fields]]\nname = "subject"\n',
        source="test.toml",
        check_templates=False,
    )
    templates._compile.cache_clear()
    prepare_templates([MODES["article"], broken])  # the broken one is left to its request
    compiled = templates._compile.cache_info().misses
    build_request(MODES["article"], {"topic": "Tea"}, PROFILE)
    assert templates._compile.cache_info().misses == compiled  # nothing left to compile
