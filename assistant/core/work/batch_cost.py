"""What a batch job cost, from the price table (``core.providers.prices``): unknown, never 0,
when the provider gave no usage or no price is known for the model."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.providers.events import Usage
from assistant.core.providers.prices import Cost, format_money, run_cost
from assistant.core.providers.profiles import ProviderProfile

_CONTEXT = "batch"
BATCH_API_SHARE = Decimal("0.5")
"""The OpenAI Batch API bills half the price of the same requests sent one by one."""


def job_cost(
    profile: ProviderProfile,
    overrides: Mapping[str, Any] | None,
    prompt_tokens: int,
    completion_tokens: int,
    *,
    batch_api: bool = False,
) -> Cost | None:
    """The cost of these tokens on the job's provider and model (None: unknown)."""
    if not (prompt_tokens or completion_tokens):
        return None
    model = str((overrides or {}).get("model") or profile.model or "")
    usage = Usage(prompt_tokens, completion_tokens, prompt_tokens + completion_tokens)
    cost = run_cost(profile, model, usage)
    if cost is not None and batch_api:
        cost = Cost(cost.amount * BATCH_API_SHARE, cost.currency)
    return cost


def cost_text(
    profile: ProviderProfile,
    overrides: Mapping[str, Any] | None,
    prompt_tokens: int,
    completion_tokens: int,
    *,
    batch_api: bool = False,
) -> str:
    """The cost as text ('unknown' when it is not known)."""
    cost = job_cost(profile, overrides, prompt_tokens, completion_tokens, batch_api=batch_api)
    if cost is None:
        return tr("unknown", _CONTEXT)
    text = format_money(cost.amount, cost.currency)
    return text + (tr(" (Batch API: half price)", _CONTEXT) if batch_api else "")


def row_cost(
    profile: ProviderProfile,
    overrides: Mapping[str, Any] | None,
    prompt_tokens: int,
    completion_tokens: int,
) -> str:
    """One row's cost for a table cell ('' when unknown)."""
    cost = job_cost(profile, overrides, prompt_tokens, completion_tokens)
    return "" if cost is None else format_money(cost.amount, cost.currency)
