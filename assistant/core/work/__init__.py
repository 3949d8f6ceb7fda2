"""The model of the work: runs by id as they stream and end, which every view reads and follows
(``runs``: ``Run``, ``RunBook``; their ``RunStatus`` in ``status``), how a run is carried out
against a provider from start to end (``generation``, with how a stream ended in ``finish``) and
how a provider profile becomes an endpoint, starting the built-in engine when needed
(``endpoints``)."""
