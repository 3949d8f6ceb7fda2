"""Error mapping (assistant/core/providers/errors.py) and secret masking (redaction.py)."""

from __future__ import annotations

import email.utils
import socket
import time

import pytest

from assistant.core.base import i18n
from assistant.core.providers.errors import (
    ErrorContext,
    ProviderError,
    parse_retry_after,
    provider_error,
)
from assistant.core.providers.redaction import redact

CTX = ErrorContext(provider="Acme AI", base_url="http://llm.example:8080/v1", model="m1")


# -- redact ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "secret",
    [
        "sk-abcdefghijklmnop1234",
        "sk-proj-AbCdEf0123456789_xyz-ABCDEFGH",
        "gsk_0123456789abcdefABCDEF",
        "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
        "4f9c2b7a1e8d3c6b5a4f9e8d7c6b5a4f3e2d1c0b",
    ],
)
def test_redact_masks_keys_and_tokens(secret: str) -> None:
    masked = redact(f"request failed with {secret} today")
    assert secret not in masked
    assert masked.startswith("request failed with ")
    assert masked.endswith(" today")
    assert "***" in masked


def test_redact_keeps_a_recognisable_prefix() -> None:
    assert redact("key sk-abcdefghijklmnop1234") == "key sk-***"
    assert redact("Authorization: Bearer abcdef123456") == "Authorization: Bearer ***"


def test_redact_masks_key_value_pairs() -> None:
    assert redact('{"api_key": "hunter2hunter2"}') == '{"api_key": "***"}'
    assert redact("https://x/v1?token=abcdef12345&x=1") == "https://x/v1?token=***&x=1"


@pytest.mark.parametrize(
    "text",
    [
        "The model `gpt-4o-mini` does not exist.",
        "Could not connect to http://localhost:11434/v1 (connection refused).",
        "internationalization and localization are long words",
        "The model deepseek-r1-distill-qwen-32b-instruct-q4_k_m is not loaded.",
        "{'error': {'message': 'Rate limit', 'code': 'rate_limit_exceeded'}}",
    ],
)
def test_redact_leaves_ordinary_text_alone(text: str) -> None:
    assert redact(text) == text


def test_provider_error_redacts_message_and_detail() -> None:
    err = ProviderError("auth", "bad key sk-abcdefghijklmnop1234", detail="Bearer abcdef123456")
    assert "abcdefghijklmnop" not in str(err)
    assert err.detail == "Bearer ***"
    assert (err.kind, err.retryable) == ("auth", False)


def test_provider_error_passes_through_unchanged() -> None:
    err = ProviderError("timeout", "slow", provider="Acme AI")
    assert provider_error(err, CTX) is err


# -- retry-after -----------------------------------------------------------------------------------
def test_parse_retry_after_seconds_ms_and_date() -> None:
    assert parse_retry_after({"Retry-After": "7"}) == 7.0
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert parse_retry_after({}) is None
    assert parse_retry_after({"Retry-After": "soon"}) is None
    later = email.utils.formatdate(time.time() + 120, usegmt=True)
    seconds = parse_retry_after({"Retry-After": later})
    assert seconds is not None
    assert 100 < seconds <= 120


# -- transport errors built from real exception objects --------------------------------------------
def _connection_error(cause: BaseException) -> BaseException:
    openai = pytest.importorskip("openai")
    httpx2 = pytest.importorskip("httpx2")
    request = httpx2.Request("POST", "http://llm.example:8080/v1/chat/completions")
    try:
        try:
            raise httpx2.ConnectError(str(cause), request=request) from cause
        except httpx2.ConnectError as inner:
            raise openai.APIConnectionError(request=request) from inner
    except openai.APIConnectionError as outer:
        return outer


def test_dns_failure_names_the_host() -> None:
    exc = _connection_error(socket.gaierror(-2, "Name or service not known"))
    err = provider_error(exc, CTX)
    assert err.kind == "connection"
    assert "llm.example" in str(err)
    assert "Acme AI" in str(err)
    assert "network" in str(err)


def test_windows_style_refusal_is_recognised() -> None:
    message = "[WinError 10061] No connection could be made because the machine actively refused it"
    err = provider_error(_connection_error(OSError(message)), CTX)
    assert err.kind == "connection"
    assert "server running" in str(err)


def test_connection_error_after_text_began_is_a_drop() -> None:
    exc = _connection_error(ConnectionResetError(104, "Connection reset by peer"))
    err = provider_error(exc, CTX, mid_stream=True)
    assert err.kind == "dropped"
    assert "Connection reset" in err.detail


def test_error_event_inside_a_stream_about_quota_is_quota() -> None:
    openai = pytest.importorskip("openai")
    httpx2 = pytest.importorskip("httpx2")
    request = httpx2.Request("POST", "http://llm.example:8080/v1/chat/completions")
    body = {"message": "You exceeded your current quota", "code": "insufficient_quota"}
    exc = openai.APIError("You exceeded your current quota", request, body=body)
    assert provider_error(exc, CTX).kind == "quota"


def test_undecodable_payload_is_a_bad_response() -> None:
    err = provider_error(ValueError("Expecting ',' delimiter"), CTX)
    assert err.kind == "bad_response"
    assert "http://llm.example:8080/v1" in str(err)


def test_messages_go_through_the_translator() -> None:
    i18n.install(lambda context, text: f"[{context}] {text}")
    try:
        err = provider_error(ValueError("x"), CTX)
    finally:
        i18n.install(None)
    assert str(err).startswith("[core] ")
    assert "Acme AI" in str(err)
