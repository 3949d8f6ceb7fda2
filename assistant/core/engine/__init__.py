"""The built-in llama.cpp engine: the parent-side engine that starts and talks to the helper
process (``local_engine``), the helper's own entry point (``host``), the model files it can load
(``models``) and the facts read from a GGUF header (``gguf_info``)."""
