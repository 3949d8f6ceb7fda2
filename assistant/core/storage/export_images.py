"""The images of a record's image fields in exports: the stored files, never lost on the way.

Markdown and text name the files in the image store (they stay there); HTML embeds the images
as data URLs, so the page stays self-contained.
"""

from __future__ import annotations

from html import escape

from assistant.core.prompts.images import ImageError, ImageStore, is_image_name


def image_names(value: object) -> list[str]:
    """The stored image names of a field value ([] when it holds none)."""
    if not isinstance(value, list | tuple) or not value:
        return []
    return [str(name) for name in value if is_image_name(name)]


def markdown_images(names: list[str]) -> list[str]:
    """One Markdown image per stored image, pointing at its file."""
    store = ImageStore.default()
    return [f"![{name}]({store.path(name).as_uri()})" for name in names]


def text_images(names: list[str]) -> list[str]:
    """The paths of the stored images."""
    store = ImageStore.default()
    return [str(store.path(name)) for name in names]


def html_images(names: list[str]) -> list[str]:
    """An ``<img>`` per image with the picture embedded (a missing file is named instead)."""
    store = ImageStore.default()
    tags = []
    for name in names:
        try:
            url = store.data_url(name)
        except ImageError as exc:
            tags.append(f'<p class="error">{escape(str(exc))}</p>')
            continue
        tags.append(
            f'<img class="attached" alt="{escape(name)}" src="{url}" '
            'style="max-width: 100%; border: 1px solid #ccc">'
        )
    return tags
