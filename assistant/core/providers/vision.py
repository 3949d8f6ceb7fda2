"""Which provider and model can take images, and the message when one cannot.

Checked before sending (:func:`images_refusal`): the built-in engine has no vision; a model the
server once refused images for is remembered (``<data>/vision.json``, per base URL and model);
model names known to read text only are refused; any other model is tried. When a server answers
a request with images with a refusal (:func:`refusal_from_server`), its words are kept and the
person gets a clear message instead of the bare HTTP error.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from assistant.core.base.i18n import tr
from assistant.core.base.paths import app_paths
from assistant.core.providers.errors import ProviderError
from assistant.core.providers.profiles import ProviderProfile

MEMORY_FILE = "vision.json"

# Model names that read images (OpenAI, Anthropic and Google through compatible gateways, and the
# open vision models served by Ollama, LM Studio, vLLM or llama.cpp).
VISION_MODELS = re.compile(
    r"gpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo|gpt-4-vision|gpt-5|chatgpt-4o|^o1(?!-mini)|^o3(?!-mini)"
    r"|^o4|claude-3|claude-(opus|sonnet|haiku)-4|claude-(sonnet|opus)|gemini|llava|bakllava"
    r"|moondream|vision|[-_.]vl\b|-vl-|qwen[\d.]*-?vl|minicpm-v|pixtral|gemma-?3(?![:-]1b)"
    r"|internvl|llama-?4|mistral-small-3\.[12]|mistral-medium|granite3?\.2-vision|smolvlm|idefics",
    re.IGNORECASE,
)
# Model names that read text only, refused before sending.
TEXT_ONLY_MODELS = re.compile(
    r"^gpt-3\.5|^gpt-4(-\d{4})?(-32k)?$|^o1-mini|^o3-mini|^deepseek-(chat|reasoner|coder)"
    r"|^text-|^davinci|^babbage",
    re.IGNORECASE,
)
# Words of a server's refusal of image input.
_REFUSAL_WORDS = re.compile(
    r"image|vision|multimodal|multi-modal|mmproj|content type|must be a string|unknown variant"
    r"|expected `?text",
    re.IGNORECASE,
)
_CONTEXT = "vision"
_lock = threading.Lock()


def has_image_parts(messages: Iterable[Mapping[str, Any]]) -> bool:
    """True when a chat message has an ``image_url`` part."""
    return any(
        isinstance(part, Mapping) and part.get("type") == "image_url"
        for message in messages
        if isinstance(message.get("content"), list)
        for part in message["content"]
    )


def _key(base_url: str, model: str) -> str:
    return f"{base_url.rstrip('/')} {model}"


def _memory_path() -> Path:
    return app_paths().data / MEMORY_FILE


def _read_memory() -> dict[str, Any]:
    try:
        data = json.loads(_memory_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered_refusal(base_url: str, model: str, provider: str = "") -> str | None:
    """What the server said when it refused images for ``model`` (None: never refused); found
    by its base URL or by the profile's name (an endpoint's URL may differ from the profile's)."""
    memory = _read_memory()
    for key in (_key(base_url, model), _key(f"profile:{provider}", model) if provider else ""):
        entry = memory.get(key) if key else None
        if isinstance(entry, dict):
            return str(entry.get("said", ""))
    return None


def remember_refusal(base_url: str, model: str, said: str, provider: str = "") -> None:
    """Keep that the server at ``base_url`` (profile ``provider``) refuses images for ``model``
    (best effort)."""
    with _lock:
        memory = _read_memory()
        memory[_key(base_url, model)] = {"images": False, "said": said}
        if provider:
            memory[_key(f"profile:{provider}", model)] = {"images": False, "said": said}
        path = _memory_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(".tmp")
            temp.write_text(json.dumps(memory, ensure_ascii=False, indent=1), encoding="utf-8")
            temp.replace(path)
        except OSError:
            return


def forget_refusals() -> None:
    """Forget every remembered refusal (after the person changed the server's model setup)."""
    with _lock:
        _memory_path().unlink(missing_ok=True)


def takes_images(profile: ProviderProfile, model: str) -> bool | None:
    """True for a known vision model, False when it cannot take images, None when unknown."""
    if profile.is_builtin:
        return False
    if remembered_refusal(profile.base_url, model, profile.name) is not None:
        return False
    if TEXT_ONLY_MODELS.search(model):
        return False
    if VISION_MODELS.search(model):
        return True
    return None


def images_refusal(profile: ProviderProfile, model: str) -> str | None:
    """Why images cannot be sent to ``model`` at ``profile`` (None: they can be tried)."""
    if profile.is_builtin:
        return tr(
            "The built-in engine has no vision: its model reads text only. Remove the images, "
            "or pick a provider with a vision model (for example OpenAI with gpt-4o-mini) in "
            "Settings → Providers.",
            _CONTEXT,
        )
    said = remembered_refusal(profile.base_url, model, profile.name)
    if said is None and not TEXT_ONLY_MODELS.search(model):
        return None
    text = no_vision_message(profile.name, model, refused=said is not None)
    if said is not None:
        text += " " + tr(
            "It refused images before (it said: {said}); if it can take them now, delete {file} "
            "to try again.",
            _CONTEXT,
        ).replace("{file}", str(_memory_path()))
        text = text.replace("{said}", said)
    return text


# Vision models suggested when a model cannot take images (the refusing one is left out).
SUGGESTED_VISION_MODELS = ("gpt-4o", "llava", "qwen2.5-vl", "gemma3")


def other_vision_models(model: str) -> str:
    """The suggested vision models, without any that ``model`` is (e.g. ``llava:7b``)."""
    name = model.lower()
    return ", ".join(m for m in SUGGESTED_VISION_MODELS if m not in name)


def no_vision_message(provider: str, model: str, *, refused: bool = False) -> str:
    """The message for a model that cannot take images: it reads text only, or (``refused``) the
    server refused images for it; the models it suggests never include ``model``."""
    if refused:
        text = tr(
            "{provider} cannot take images with the model “{model}”: the server refused them. "
            "Remove the images, or pick another vision model ({models}…) in the toolbar or in "
            "Settings → Providers.",
            _CONTEXT,
        )
    else:
        text = tr(
            "{provider} cannot take images with the model “{model}”: it reads text only. Remove "
            "the images, or pick a vision model ({models}…) in the toolbar or in Settings → "
            "Providers.",
            _CONTEXT,
        )
    text = text.replace("{models}", other_vision_models(model))
    return text.replace("{provider}", provider).replace("{model}", model or "?")


def refusal_from_server(error: ProviderError, base_url: str, model: str) -> ProviderError:
    """For a request with images: a rejection that is about the images becomes the clear
    message (and is remembered); any other error is returned unchanged."""
    if error.kind not in ("bad_request", "server") or error.status is None:
        return error
    said = error.detail or error.message
    if re.search(r"context (length|size|window)", said, re.IGNORECASE):
        return error  # too long: the context message says what to do
    about_images = _REFUSAL_WORDS.search(said) is not None
    if not about_images and not (error.kind == "bad_request" and error.status in (400, 422)):
        return error
    if about_images:
        remember_refusal(base_url, model, said, error.provider)
        text = no_vision_message(error.provider, model, refused=True)
        text += " " + tr("It said: {said}", _CONTEXT)
    else:
        text = tr(
            "{provider} rejected the request with images ({status}): {said} The model “{model}” "
            "may not take images: remove them, or pick a vision model.",
            _CONTEXT,
        )
        text = text.replace("{provider}", error.provider).replace("{model}", model or "?")
        text = text.replace("{status}", str(error.status))
    text = text.replace("{said}", said)
    return ProviderError(
        "no_vision" if about_images else "bad_request",  # the CLI exits 2, as when remembered
        text,
        provider=error.provider,
        status=error.status,
        detail=error.detail,
    )
