"""What a batch job cost, when a price is known for its provider and model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.providers.profiles import ProviderProfile

_CONTEXT = "batch"


def cost_text(
    profile: ProviderProfile,
    overrides: Mapping[str, Any] | None,
    prompt_tokens: int,
    completion_tokens: int,
) -> str:
    """The cost as text ('unknown' when no price is known for the model: never 0)."""
    model = str((overrides or {}).get("model") or profile.model or "")
    if profile.is_builtin:
        return tr("0 (the built-in engine)", _CONTEXT)
    del model, prompt_tokens, completion_tokens
    return tr("unknown (no price for this model)", _CONTEXT)


def row_cost(
    profile: ProviderProfile,
    overrides: Mapping[str, Any] | None,
    prompt_tokens: int,
    completion_tokens: int,
) -> str:
    """One row's cost for a table cell ('' when unknown)."""
    if profile.is_builtin:
        return "0"
    del overrides, prompt_tokens, completion_tokens
    return ""
