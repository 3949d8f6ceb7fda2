"""`assistant providers`: the saved provider profiles and the presets a profile can be made from.

Profiles are listed first (the active one marked ``*``), then every preset with its base URL,
default model, whether it takes images and where to get a key. Keys are never printed.
"""

from __future__ import annotations

import argparse
import sys

from assistant.cli.columns import left
from assistant.core.base.i18n import tr


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    providers = subparsers.add_parser(
        "providers", help="list the saved provider profiles and the provider presets"
    )
    providers.add_argument(
        "--presets", action="store_true", help="only the presets (DeepSeek, Qwen, Kimi, GLM…)"
    )
    providers.set_defaults(handler=list_providers)


def list_providers(args: argparse.Namespace) -> int:
    from assistant.core.config.settings import Settings
    from assistant.core.providers.presets import load_presets

    out = sys.stdout
    if not args.presets:
        settings = Settings.load()
        for warning in settings.load_warnings:
            print(f"assistant: {warning}", file=sys.stderr)
        out.write(tr("Saved profiles (* = active):") + "\n")
        for profile in settings.profiles:
            mark = "*" if profile.name == settings.active_profile else " "
            where = tr("built-in engine") if profile.is_builtin else profile.base_url
            model = profile.model or "-"
            extra = f"  api-version {profile.api_version}" if profile.is_azure else ""
            out.write(f"{mark} {left(profile.name, 32)} {left(where, 55)} {model}{extra}\n")
        out.write("\n")
    out.write(tr("Presets:") + "\n")
    for preset in load_presets():
        images = tr("images") if preset.images else tr("text")
        key = (
            tr("no key (on this machine)")
            if not preset.needs_key
            else tr("key: {url}").replace("{url}", preset.key_url)
        )
        model = preset.model or tr("(the server's)")
        out.write(
            f"  {preset.id:<14} {left(preset.name, 32)} {preset.base_url:<55} "
            f"{left(model, 24)} {left(images, 6)} {key}\n"
        )
    return 0
