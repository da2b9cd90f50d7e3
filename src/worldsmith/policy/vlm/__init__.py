"""The VLM policy: a vision-language model over an OpenAI-compatible chat API writes the programs.

- :mod:`.client`: the HTTP client (retries, backoff, concurrency limit, token and cost accounting);
- :mod:`.messages`: message parts (text, images as base64 data URLs);
- :mod:`.prompting`: the system prompt (generated from the DSL's docstrings) and the observation;
- :mod:`.reply`: the tolerant reply parser;
- :mod:`.library`: the in-context library of high-scoring (prompt, program) pairs;
- :mod:`.tokens`: token estimates of an observation;
- :mod:`.policy`: :class:`~.policy.VLMPolicy`, the :class:`~worldsmith.policy.protocol.Policy`.
"""
