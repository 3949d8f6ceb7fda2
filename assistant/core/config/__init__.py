"""The person's settings: typed values with defaults in one table (``settings``), the JSON file
they live in (``settings_file``), and the store every edit goes through (``store``), which
announces each change by name so that every view that shows a setting follows it by itself."""
