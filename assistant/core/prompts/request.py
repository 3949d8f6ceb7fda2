"""The one request builder: (mode, values, profile, parameters, overrides) -> a GenerationRequest.

API note: :func:`build_request` makes a first request; :func:`build_follow_up` (thread,
instruction[, selection]) makes a follow-up whose messages are the thread so far (system prompt,
the original user message, the model's answer, …, the current version) plus the new instruction,
and whose ``follow_up`` tells the history which turn and version to store
(``ThreadStore(history).recorder(request.follow_up)`` in :mod:`assistant.core.storage.threads`).
Threads, turns and versions are in :mod:`.threads`, quick actions in :mod:`.quick_actions`.

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
from typing import TYPE_CHECKING, Any

from assistant.core.base.i18n import tr
from assistant.core.prompts.modes import InvalidValues, Mode, render_messages
from assistant.core.prompts.templates import TemplateError, code_block, render
from assistant.core.providers.params import GenerationParams
from assistant.core.providers.profiles import ProviderProfile

if TYPE_CHECKING:  # threads: the first follow-up, not before the window's first paint
    from assistant.core.prompts.images import ImageStore
    from assistant.core.prompts.threads import FollowUp, Selection, Thread

_CONTEXT = "request"


@dataclass(frozen=True)
class GenerationRequest:
    """Everything needed to send one generation: the rendered messages and where to send them."""

    mode_id: str
    fields: dict[str, Any]
    messages: list[dict[str, Any]]
    """The chat messages; with images, the user message's content is a list of parts."""
    profile: ProviderProfile
    params: GenerationParams
    prefix: str = ""
    """Text already shown for variant 0 (continuing an interrupted answer); deltas extend it."""
    follow_up: FollowUp | None = None
    """Set for a follow-up: the turn it adds to a history record (stored as a new version)."""

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
    builtins: Mapping[str, object] | None = None,
    images: ImageStore | None = None,
) -> GenerationRequest:
    """The request for ``values`` in ``mode``, sent to ``profile``; raises RequestError.

    ``values`` may be strings (the CLI): they are converted to the fields' types first.
    ``builtins``: the templates' built-in variables (default: now, no clipboard or selection).
    The images of the mode's image fields (names in ``images``, by default the app's store)
    become ``image_url`` parts of the user message; a provider or model that cannot take images
    is refused here, before anything is sent.
    """
    fields = mode.coerce(values)
    try:
        messages = render_messages(mode, fields, builtins)  # checks the values (the one validation)
    except InvalidValues as exc:
        raise RequestError(list(exc.errors)) from exc
    except TemplateError as exc:
        message = tr("The prompt template could not be rendered: {error}", _CONTEXT)
        raise RequestError([message.replace("{error}", str(exc))]) from exc
    params = merge_params(mode, parameters, overrides)
    image_fields = [item.name for item in mode.fields if item.kind == "image"]
    if image_fields:
        messages = _with_images(
            messages,
            [fields.get(name) for name in image_fields],
            profile,
            params.model or profile.model,
            images,
        )
    return GenerationRequest(mode.id, dict(fields), messages, profile, params)


FULL_TEXT_NOTE = "Here is the whole text as it is now:\n{text}\n\n{instruction}"
"""Sent before an instruction whose base version was spliced from a selection reply (the model
last wrote only the part)."""


def build_follow_up(
    mode: Mode,
    thread: Thread,
    instruction: str,
    profile: ProviderProfile,
    parameters: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    base_version: int | None = None,
    selection: Selection | None = None,
    kind: str | None = None,
    action: str = "",
    fields: Mapping[str, Any] | None = None,
) -> GenerationRequest:
    """The request that follows up on version ``base_version`` (default: the current one).

    ``kind`` defaults to "selection" with a ``selection`` (rewrite only that span) and to
    "instruction" without; "question" asks about the text (or the span) without rewriting it.
    Parameters merge as in :func:`build_request`, always with one variant. Raises RequestError.
    """
    from assistant.core.prompts.selection import selection_message
    from assistant.core.prompts.threads import FollowUp

    if not instruction.strip():
        raise RequestError([tr("Type an instruction for the follow-up.", _CONTEXT)])
    number = thread.current if base_version is None else base_version
    try:
        base = thread.version(number)
    except KeyError:
        message = tr("Version {number} does not exist in this thread.", _CONTEXT)
        raise RequestError([message.replace("{number}", str(number))]) from None
    kind = kind or ("selection" if selection is not None else "instruction")
    if kind == "selection" and selection is None:
        raise RequestError([tr("Select the part of the answer to refine.", _CONTEXT)])
    if selection is not None:
        if selection.end > len(base.text) or selection.start == selection.end:
            raise RequestError([tr("The selection is not part of this version.", _CONTEXT)])
        sent = selection_message(instruction, selection.of(base.text), rewrite=kind != "question")
    else:
        sent = instruction
    if base.text != base.reply:  # the model last wrote only a part: give it the whole text
        sent = FULL_TEXT_NOTE.format(text=code_block(base.text), instruction=sent)
    messages = [*thread.messages_for(number), {"role": "user", "content": sent}]
    follow_up = FollowUp(
        thread.record_id, kind, instruction, sent, number, base.text, selection, action
    )
    params = merge_params(mode, parameters, overrides).merged(n=1)
    messages = _stored_images_resolved(messages, profile, params.model or profile.model)
    return GenerationRequest(
        thread.mode, dict(fields or {}), messages, profile, params, follow_up=follow_up
    )


def _stored_images_resolved(
    messages: list[dict[str, Any]], profile: ProviderProfile, model: str
) -> list[dict[str, Any]]:
    """A thread's stored messages with their images' references turned back into data URLs."""
    from assistant.core.prompts.images import (
        ImageError,
        ImageStore,
        referenced_images,
        resolved_messages,
    )
    from assistant.core.providers.vision import images_refusal

    if not referenced_images(messages):
        return messages
    refusal = images_refusal(profile, model)
    if refusal:
        raise RequestError([refusal])
    try:
        return resolved_messages(messages, ImageStore.default())
    except ImageError as exc:
        raise RequestError([str(exc)]) from exc


def _with_images(
    messages: list[dict[str, Any]],
    values: list[Any],
    profile: ProviderProfile,
    model: str,
    store: ImageStore | None,
) -> list[dict[str, Any]]:
    """The messages with the images of ``values`` attached; RequestError when they cannot be."""
    from assistant.core.prompts.images import ImageError, ImageStore, image_names, with_images
    from assistant.core.providers.vision import images_refusal

    names = image_names(values)
    if not names:
        return messages
    refusal = images_refusal(profile, model)
    if refusal:
        raise RequestError([refusal])
    try:
        return with_images(messages, names, store or ImageStore.default())
    except ImageError as exc:
        raise RequestError([str(exc)]) from exc


def prepare_templates(modes: Iterable[Mode]) -> None:
    """Compile the modes' prompt templates before their first request needs them (a broken one
    is reported by that request)."""
    for mode in modes:
        for source in (mode.system, mode.template):
            with contextlib.suppress(Exception):
                render(source, mode.defaults())
