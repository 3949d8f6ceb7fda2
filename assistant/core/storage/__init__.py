"""What is kept on disk besides settings: the history of runs in SQLite (with migrations, search and
recovery), the unsent drafts of each mode, and exports of records as Markdown, HTML or text."""
