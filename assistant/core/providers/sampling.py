"""Anti-repetition sampling for llama.cpp's server (the built-in engine): one "Repetition" strength.

Small models fall into loops with plain sampling. llama.cpp's server takes its DRY sampler and
its repeat penalty from the chat request body (``dry_multiplier``, ``dry_base``,
``dry_allowed_length``, ``repeat_penalty``, ``repeat_last_n``; it refuses ``dry_penalty_last_n``
-1, its own default, so that one is left out). Other servers may refuse fields they do not know,
so these are sent only to an endpoint that says it is llama.cpp (``Endpoint.repetition`` is not
None: the built-in engine, with its model family's default strength).
``GenerationParams.repetition`` overrides that strength per request.

Strength 0 turns both off. From 1 the DRY sampler penalises extending a sequence already seen
(0.8 per step of strength); from 1.5 a mild repeat penalty joins it (1.025 per step above 1),
because DRY alone let SmolLM2 loop on very short lines ("- Advert:").
"""

from __future__ import annotations

from typing import Any

MAX_REPETITION = 3.0
REPETITION_STEP = 0.5
DRY_PER_STEP = 0.8
REPEAT_PENALTY_PER_STEP = 0.05


def llama_sampler_fields(strength: float) -> dict[str, Any]:
    """llama.cpp's sampler fields for a Repetition ``strength`` (0 = off … ``MAX_REPETITION``)."""
    strength = min(MAX_REPETITION, max(0.0, float(strength)))
    if strength == 0:
        return {"dry_multiplier": 0.0, "repeat_penalty": 1.0}
    return {
        "dry_multiplier": round(DRY_PER_STEP * strength, 3),
        "dry_base": 1.75,
        "dry_allowed_length": 2,  # dry_penalty_last_n: the server's default, the whole context
        "repeat_penalty": round(1.0 + REPEAT_PENALTY_PER_STEP * max(0.0, strength - 1.0), 3),
        "repeat_last_n": 256,
    }


def raised(strength: float) -> float:
    """The next Repetition strength up (what "raise Repetition" sets)."""
    return min(MAX_REPETITION, strength + REPETITION_STEP)
