"""``assistant run MODE --image PATH``: images attached from the command line.

Each file is checked (PNG, JPEG or WebP), downscaled to at most 2048 px like in the window, kept in
the image store and put in the mode's image field.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core.prompts.modes import Mode


def add_image_argument(run: argparse.ArgumentParser) -> None:
    """The ``--image PATH`` option (repeatable)."""
    run.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="PATH",
        help="attach a PNG, JPEG or WebP image (repeatable; downscaled to at most 2048 px); "
        "for modes with an image field, e.g. code-explain",
    )


def attach_images(
    paths: list[str], mode: Mode, given: dict[str, Any], modes: list[Mode]
) -> str | None:
    """Store the images of ``paths`` into ``given`` (the mode's first image field); a message for
    stderr when they cannot be attached (None: done)."""
    if not paths:
        return None
    field = next((item for item in mode.fields if item.kind == "image"), None)
    if field is None:
        takers = [m.id for m in modes if any(item.kind == "image" for item in m.fields)]
        return f"mode {mode.id} takes no images; modes that do: {', '.join(takers) or 'none'}"
    from assistant.core.prompts.images import ImageError, ImageStore
    from assistant.ui.image_codec import qt_scaler

    store = ImageStore.default()
    names: list[str] = []
    for path in paths:
        try:
            info = store.add_file(path, qt_scaler)
        except ImageError as exc:
            return str(exc)  # names the file
        if info.name not in names:
            names.append(info.name)
    given[field.name] = names
    return None
