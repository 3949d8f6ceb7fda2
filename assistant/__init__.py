"""The assistant: a desktop writing and coding assistant."""

APP_NAME = "assistant"
APP_DISPLAY_NAME = "Assistant"
__version__ = "0.1.0"
