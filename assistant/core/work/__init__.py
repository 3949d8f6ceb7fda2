"""The model of the work: runs (one request and its answers, with a status), how a run is carried
out against a provider from start to end (``generation``) and how a provider profile becomes an
endpoint, starting the built-in engine when needed (``endpoints``)."""
