"""Foundations every other part of core may use: where files live (``paths``), package data
(``resources``) and the translation hook for user-visible strings (``i18n``). Imports nothing else
from the app."""
