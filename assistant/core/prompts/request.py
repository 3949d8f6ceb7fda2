"""The one request builder: (mode, values, profile, parameters, overrides) -> a GenerationRequest.

The window's Generate, its crash recovery (Continue / Regenerate) and ``assistant run`` all build
their requests here, so values are checked once and parameters are merged one way: the mode's
defaults, then the person's saved parameters for the mode, then this request's overrides (the
window's panel and model box, a history record's parameters, the CLI's flags). ``None`` values
never override. The context-window check is a separate step (``core.providers.tokens``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.prompts.modes import InvalidValues, Mode, render_messages
from assistant.core.prompts.templates import TemplateError, render
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.profiles import ProviderProfile

_CONTEXT = "request"


@dataclass(frozen=True)
class GenerationRequest:
    """Everything needed to send one generation: the rendered messages and where to send them."""

    mode_id: str
    fields: dict[str, Any]
    messages: list[dict[str, str]]
    profile: ProviderProfile
    params: GenerationParams
    prefix: str = ""
    """Text already shown for variant 0 (continuing an interrupted answer); deltas extend it."""

    @property
    def model(self) -> str:
        return self.params.model or self.profile.model


class RequestError(ValueError):
    """The values cannot make a request; ``problems`` holds one user-facing sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def merge_params(
    mode: Mode,
    parameters: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> GenerationParams:
    """The mode's default parameters, then ``parameters`` (saved for the mode), then
    ``overrides`` (this request's); ``None`` values and unknown names are ignored."""
    return mode.params.merged(**dict(parameters or {})).merged(**dict(overrides or {}))


def build_request(
    mode: Mode,
    values: Mapping[str, Any],
    profile: ProviderProfile,
    parameters: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> GenerationRequest:
    """The request for ``values`` in ``mode``, sent to ``profile``; raises RequestError.

    ``values`` may be strings (the CLI): they are converted to the fields' types first.
    """
    fields = mode.coerce(values)
    try:
        messages = render_messages(mode, fields)  # checks the values (the one validation)
    except InvalidValues as exc:
        raise RequestError(list(exc.errors)) from exc
    except TemplateError as exc:
        message = tr("The prompt template could not be rendered: {error}", _CONTEXT)
        raise RequestError([message.replace("{error}", str(exc))]) from exc
    params = merge_params(mode, parameters, overrides)
    return GenerationRequest(mode.id, dict(fields), messages, profile, params)


def prepare_templates(modes: Iterable[Mode]) -> None:
    """Compile the modes' prompt templates before their first request needs them (a broken one
    is reported by that request)."""
    for mode in modes:
        for source in (mode.system, mode.template):
            with contextlib.suppress(Exception):
                render(source, mode.defaults())
