"""Text that is neither a request nor a record: syntax highlighting state (``highlight``), language
names and guessing (``languages``), what pasting or JSON changed in a person's text
(``text_changes``), the post-processing of finished answers and their fenced code blocks
(``answers``), the one diff of the app (``diffs``) and the loop detector for streamed answers
(``loops``)."""
