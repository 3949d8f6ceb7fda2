"""The built-in llama.cpp engine: the parent-side engine (``local_engine``) and the helper process
it starts (``host_process`` builds the command, keeps the log and does the handshake; ``host`` is
the helper's own entry point), the devices and cores it can use (``devices``), the model files it
can load (``models``, with the default model's download in ``default_model``) and the facts read
from a GGUF header (``gguf_info``)."""
