"""What every route shares: refusals as HTTP answers, the client's identity, the request's
form parameters, and giving up on a request whose client has gone."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from contextlib import suppress
from urllib.parse import parse_qs

URL_SAFE = "/:@!$&'()*+,;=~%#?"  # what quote() leaves of a path or an IRI in a header
TOO_DEEP = "the query nests too deeply to be checked; write it with fewer nested brackets"


class Refused(Exception):
    """A request answered with an error status (raised in the web process or a worker)."""

    def __init__(
        self,
        status: int,
        message: str,
        parameter: str | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.parameter = parameter  # the request parameter at fault, when one is
        self.headers = dict(headers or {})


class Gone(Exception):
    """The client disconnected before its answer was ready."""


def client(request) -> str:
    """Who is asking: the remote address (uvicorn takes it from X-Forwarded-For when the
    request comes through a trusted proxy, by default one on 127.0.0.1)."""
    return request.client.host if request.client else "unknown"


async def unless_gone(request, work):
    """The result of `work`, or Gone (with `work` cancelled) if the client disconnects."""

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(disconnected())
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    raise Gone


def form(text: str, where: str) -> dict[str, list[str]]:
    """Form-encoded parameters; a %-escape that is not UTF-8 is refused, not replaced."""
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise Refused(400, f"{where} is not UTF-8 once %-decoded: {exc.reason}") from None


def text(status: int, message: str, headers: Mapping[str, str] | None = None):
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message + "\n", status_code=status, headers=dict(headers or {}))
