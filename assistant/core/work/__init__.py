"""The model of the work: runs by id as they stream and end, which every view reads and follows
(``runs``: ``Run``, ``RunBook``; their ``RunStatus`` in ``status``), how a run is carried out
against a provider from start to end (``generation``, with how a stream ended in ``finish``) and
how a provider profile becomes an endpoint, starting the built-in engine when needed
(``endpoints``), and batch jobs: a table's rows read (``batch_input``), mapped to a mode's fields
(``batch_plan``), run N at a time (``batch_runner``) or through the OpenAI Batch API
(``batch_api``), with their durable state (``batch_state``, ``batch_job``) and output file
(``batch_output``)."""
