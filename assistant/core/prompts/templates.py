"""Safe prompt rendering with jinja2's immutable sandbox.

Field values go in only as data: they are never parsed as template text, so ``{{``, ``{%``, ``$x``,
``%s`` or backslashes typed by a person reach the model unchanged. Templates cannot reach object
internals (``__class__``, ``mro`` …), cannot mutate values, and have no loader (no include/import of
files). Every failure surfaces as :class:`TemplateError` with a message fit to show a person.

Globals available to templates: ``fence(text)``, ``code_block(text, info="")`` and
``language_name(alias)``. Built-in variables (:data:`BUILTIN_VARIABLES`, :func:`builtin_values`):
``today``, ``now``, ``weekday``, ``locale`` (the UI language), and ``clipboard`` and ``selection``
(the window fills them in; elsewhere they are empty). A field of the same name wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from assistant.core.base.i18n import tr
from assistant.core.text.languages import language_name

if TYPE_CHECKING:  # jinja2 is imported on first render (about 70 ms)
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

_BACKTICK_RUN = re.compile(r"`+")
_UNSAFE_INFO = re.compile(r"[`\s]+")


class TemplateError(Exception):
    """A template could not be compiled or rendered; ``str(error)`` is a user-facing message."""


def fence(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text`` (at least three)."""
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def code_block(text: str, info: str = "") -> str:
    """``text`` as a fenced Markdown code block that pasted fences cannot close early.

    ``text`` appears unchanged; a newline is added before the closing fence only if missing.
    ``info`` (the language tag) is cut at the first space or backtick so it cannot break the fence.
    """
    marker = fence(text)
    tag = _UNSAFE_INFO.split(info.strip(), maxsplit=1)[0] if info.strip() else ""
    newline = "" if text.endswith("\n") else "\n"
    return f"{marker}{tag}\n{text}{newline}{marker}"


BUILTIN_VARIABLES: tuple[str, ...] = ("today", "now", "weekday", "locale", "clipboard", "selection")
"""Names every template may read besides its mode's fields."""


def builtin_values(
    now: datetime | None = None, locale: str = "", clipboard: str = "", selection: str = ""
) -> dict[str, str]:
    """The built-in variables at ``now`` (default: this moment, local time)."""
    moment = now or datetime.now().astimezone()
    return {
        "today": moment.date().isoformat(),
        "now": moment.strftime("%Y-%m-%d %H:%M"),
        "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[
            moment.weekday()
        ],
        "locale": locale or "en",
        "clipboard": clipboard,
        "selection": selection,
    }


TEMPLATE_GLOBALS: dict[str, Any] = {
    "fence": fence,
    "code_block": code_block,
    "language_name": language_name,
}


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        loader=None,
    )
    env.globals.update(TEMPLATE_GLOBALS)
    return env


@lru_cache(maxsize=256)
def _compile(source: str) -> jinja2.Template:
    import jinja2

    try:
        return _environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            tr("Template syntax error on line {line}: {message}").format(
                line=exc.lineno, message=exc.message or ""
            )
        ) from exc


def parse_template(source: str) -> None:
    """Parse ``source`` only; raises jinja2's ``TemplateSyntaxError`` (with its ``lineno``)."""
    _environment().parse(source)


def template_names(source: str) -> set[str]:
    """Names a template reads from its context (globals such as ``fence`` excluded)."""
    from jinja2 import meta

    _compile(source)  # raises a TemplateError for syntax errors
    env = _environment()
    tree = env.parse(source)
    return set(meta.find_undeclared_variables(tree)) - set(env.globals)


def check_template(source: str, known_names: Iterable[str]) -> None:
    """Compile ``source`` and check it reads only ``known_names`` (TemplateError if not)."""
    _compile(source)
    unknown = sorted(template_names(source) - set(known_names))
    if unknown:
        raise TemplateError(
            tr("The template uses unknown names: {names}").format(names=", ".join(unknown))
        )


def render(source: str, values: Mapping[str, object]) -> str:
    """Render template ``source`` with ``values`` as plain data."""
    import jinja2
    from jinja2.sandbox import SecurityError

    template = _compile(source)
    try:
        return template.render(dict(values))
    except SecurityError as exc:
        raise TemplateError(
            tr("The template tried something that is not allowed: {detail}").format(detail=exc)
        ) from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            tr("The template uses an unknown name: {detail}").format(detail=exc.message)
        ) from exc
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        raise TemplateError(tr("The template failed: {detail}").format(detail=exc)) from exc
