"""One streamed chat request on an event loop, over ``openai.AsyncOpenAI`` (batch jobs).

Many requests at once on one thread cost less than as many threads over the synchronous client
(tests/benchmarks/batch.py). The rules are :func:`.client.stream_chat`'s, from the same
:mod:`.chat_wire`: the same request fields, events, finish of the tail, error messages. What this
path leaves to its caller: retries (a batch job retries in its own loop, one backoff for the whole
job), variants (one answer per request), and stopping (cancel the task: the response is closed).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assistant.core.providers.chat_wire import (
    TAIL_GRACE_SECONDS,
    ChunkReader,
    about_images,
    chat_fields,
    drop_refused_stream_options,
    mapped,
    summed_usage,
)
from assistant.core.providers.connection import Endpoint, error_context, web_page_error
from assistant.core.providers.errors import ErrorContext, ProviderError, empty_answer_error
from assistant.core.providers.events import StreamEvent, Usage
from assistant.core.providers.params import GenerationParams

if TYPE_CHECKING:
    import openai


async def astream_chat(
    endpoint: Endpoint,
    messages: Sequence[Mapping[str, Any]],
    params: GenerationParams,
    model: str,
    client: openai.AsyncOpenAI,
) -> AsyncIterator[StreamEvent]:
    """Stream one answer (``params.n`` is ignored: one choice) as events, the summed usage last.

    ``client`` comes from :func:`.connection.open_async_client` and is left open. Raises
    :class:`ProviderError` on any failure, including an answer without any text.
    """
    ctx = error_context(endpoint, model)
    usage: list[Usage | None] = [None]

    def add_usage(value: Any) -> None:
        usage[0] = summed_usage(usage[0], value)

    reader = ChunkReader(1, 0, add_usage)
    stream = await _open(endpoint, messages, params, model, client, ctx)
    chunks = stream.__aiter__()
    try:
        async for chunk in chunks:
            for event in reader.feed(chunk):
                yield event
            if reader.whole:
                break
        if reader.whole:  # only the usage and [DONE] are left: not for long
            async with asyncio.timeout(min(TAIL_GRACE_SECONDS, endpoint.read_timeout)):
                async for chunk in chunks:
                    for event in reader.feed(chunk):
                        yield event
    except ProviderError:
        raise
    except Exception as exc:
        if not reader.whole:  # after every finish_reason, a failing tail loses nothing
            raise mapped(exc, ctx, mid_stream=reader.got_text) from exc
    finally:
        await stream.close()
    ending, _ = reader.ending()
    for event in ending:
        yield event
    if not reader.got_text:
        raise empty_answer_error(ctx)
    if usage[0] is not None:
        yield usage[0]


async def _open(
    endpoint: Endpoint,
    messages: Sequence[Mapping[str, Any]],
    params: GenerationParams,
    model: str,
    client: openai.AsyncOpenAI,
    ctx: ErrorContext,
) -> openai.AsyncStream[Any]:
    """Send the request; once more without ``stream_options`` when the server refuses it.

    The request goes through the client's public ``post`` (the SDK's way to send any request)
    with the fields :func:`.chat_wire.chat_fields` made, not through ``chat.completions.create``:
    ``create`` first walks every message through the SDK's type-directed transform, which
    leaves plain messages as they are and cost 0.6 ms a row on a mode's two messages, a fifth
    of a batch row's CPU (tests/benchmarks/batch.py). Authentication, Azure's deployment URLs,
    headers and timeouts are the client's, as with ``create`` (tests/core/providers/
    test_async_chat.py). The SDK hands a streamed answer over before reading its body, so a web
    page instead of an API answer is caught here from the response's headers.
    """
    import openai
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

    while True:
        fields = chat_fields(endpoint, messages, params, model, 1, 0)
        headers = fields.pop("extra_headers")
        extra = fields.pop("extra_body", {})
        body = {**fields, **extra}
        try:
            stream: openai.AsyncStream[Any] = await client.post(
                "/chat/completions",
                cast_to=ChatCompletion,
                body=body,
                options={"headers": headers},
                stream=True,
                stream_cls=openai.AsyncStream[ChatCompletionChunk],
            )
        except Exception as exc:
            if drop_refused_stream_options(exc, endpoint.base_url):
                continue
            raise about_images(mapped(exc, ctx), messages, endpoint, model) from exc
        error = web_page_error(stream.response, ctx)
        if error is not None:
            await stream.close()
            raise error
        return stream
