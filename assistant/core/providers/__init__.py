"""Talking to an OpenAI-compatible server: provider profiles, generation parameters, the streaming
client over the ``openai`` SDK, errors turned into one clear message, where requests may go (local
only, proxies), API keys in the OS keyring and token estimates. Knows nothing of modes, history or
the built-in engine."""
