"""Search a Python package index for plugin projects.

One GET of the index's simple repository API, as PEP 691 JSON when the index
offers it and PEP 503 HTML otherwise, read as it streams in: only the project
names that match the plugin naming convention are kept, so even the full PyPI
listing (tens of MB) is searched in little memory, and a response is refused past
:data:`MAX_RESPONSE_BYTES`. urllib does the HTTP (redirects, proxies from the
environment, TLS), html.parser reads the HTML, and json decodes one project at a time.

The search runs in a worker thread, and the caller waits for it no longer than the
overall deadline: an index that sends a byte now and then, or a host name that never
resolves, cannot keep the command going. The worker is a daemon thread: the command
ends without waiting for it.
"""

from __future__ import annotations

import base64
import codecs
import html.parser
import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from .environment import normalize

__all__ = [
    "DEFAULT_INDEX_URL",
    "DEFAULT_TIMEOUT",
    "MAX_NAME_LENGTH",
    "MAX_RESPONSE_BYTES",
    "Matches",
    "SearchError",
    "normalize",
    "search_index",
]

DEFAULT_INDEX_URL = "https://pypi.org/simple/"
DEFAULT_TIMEOUT = 30.0  # seconds for the whole search, not for each read
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # the full PyPI listing is about half of this
MAX_NAME_LENGTH = 200  # longer names are left out (PyPI's longest is far shorter)

_JSON_TYPE = "application/vnd.pypi.simple.v1+json"
_HTML_TYPES = ("application/vnd.pypi.simple.v1+html", "text/html")
_ACCEPT = f"{_JSON_TYPE}, {_HTML_TYPES[0]};q=0.2, {_HTML_TYPES[1]};q=0.01"
_USER_AGENT = "plugin-host-search/1.0 (python-urllib)"
_SCHEMES = ("http", "https")
_CHUNK_SIZE = 64 * 1024
_MAX_MESSAGE = 500  # characters of an error message
# Codecs Python counts as text encodings that no web page is written in.
_NOT_CHARSETS = {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"}
_MAX_VALUE = 1024 * 1024  # largest single JSON value (a project entry, meta) to buffer
_MAX_MARKUP = 64 * 1024  # longest unfinished HTML tag, comment or declaration to buffer
_MAX_ANCHOR_TEXT = 4096  # characters of one <a>'s text kept: far more than any name
_JSON_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_VALID_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")  # PEP 508, ASCII only


class SearchError(Exception):
    """A one-line, user-facing reason the index could not be searched."""


class _BadResponse(Exception):
    """The index answered with something this module cannot use."""


class Matches(list[str]):
    """The matching names, sorted; ``dropped`` counts the index's unusable names."""

    def __init__(self, names: Iterable[str] = (), dropped: int = 0) -> None:
        """Hold ``names`` (already sorted) and the count of names left out."""
        super().__init__(names)
        self.dropped = dropped


def search_index(
    index_url: str, prefixes: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT
) -> Matches:
    """Return the sorted normalized project names starting with any prefix.

    ``prefixes`` must already be normalized, e.g. ``("my-app-",)``. Names that are
    not valid project names, or longer than ``MAX_NAME_LENGTH``, are left out and
    counted in ``dropped``: what is printed cannot forge a line or hold terminal
    escape codes. The search gives up after ``timeout`` seconds in all. Any failure
    to fetch or understand the index raises :class:`SearchError`.
    """
    request, shown = _build_request(index_url)
    deadline = time.monotonic() + timeout
    outcome: list[Matches | Exception] = []

    def work() -> None:
        try:
            outcome.append(_search(request, tuple(prefixes), deadline))
        except Exception as exc:  # handed over to the caller's thread
            outcome.append(exc)

    worker = threading.Thread(target=work, name="search", daemon=True)
    worker.start()
    while worker.is_alive() and time.monotonic() < deadline:
        worker.join(min(0.1, max(0.0, deadline - time.monotonic())))  # short: Ctrl-C gets in
    if not outcome:
        raise _error(shown, f"timed out after {timeout:g} s")
    if isinstance(outcome[0], Exception):
        raise _explain(outcome[0], shown, timeout) from outcome[0]
    return outcome[0]


def _search(request: urllib.request.Request, prefixes: tuple[str, ...], deadline: float) -> Matches:
    """Fetch the index and keep the names that start with `prefixes` (the worker's part)."""
    names: set[str] = set()
    dropped = 0
    opener = urllib.request.build_opener(_HTTPOnlyRedirectHandler)
    with opener.open(request, timeout=deadline - time.monotonic()) as response:
        for name in _names(response, deadline):
            if name is None or len(name) > MAX_NAME_LENGTH or not _valid(name):
                dropped += 1
            elif (normalized := normalize(name)).startswith(prefixes):
                names.add(normalized)
    return Matches(sorted(names), dropped)


def _valid(name: str) -> bool:
    """Tell whether ``name`` is a valid project name (PEP 508)."""
    return _VALID_NAME.fullmatch(name) is not None


def _explain(exc: Exception, shown: str, timeout: float) -> SearchError:
    """Turn what went wrong while searching into a :class:`SearchError`."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return _error(shown, f"timed out after {timeout:g} s")
    if isinstance(exc, urllib.error.HTTPError):
        exc.close()
        return _error(shown, f"HTTP error {exc.code} {exc.reason}")
    if isinstance(exc, urllib.error.URLError):
        return _error(shown, f"cannot connect ({exc.reason})")
    if isinstance(exc, _BadResponse):
        return _error(shown, str(exc))
    return _error(shown, f"connection failed ({str(exc) or type(exc).__name__})")


def _error(url: str, reason: str) -> SearchError:
    """Build a single-line :class:`SearchError` naming ``url``.

    The reason may quote the server (an HTTP reason phrase, a bad status line):
    characters a terminal would act on are escaped, and the message is cut short.
    """
    text = " ".join(f"cannot search {url}: {reason}".split())
    if not text.isprintable():
        text = "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)
    return SearchError(text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "...")


def _build_request(index_url: str) -> tuple[urllib.request.Request, str]:
    """Validate ``index_url``; return the request and a password-free URL to show."""
    try:
        parts = urllib.parse.urlsplit(index_url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError as exc:
        raise _error(repr(index_url), f"invalid URL ({exc})") from exc
    if parts.scheme.lower() not in _SCHEMES:
        raise _error(repr(index_url), "only http and https URLs are allowed")
    if not host:
        raise _error(repr(index_url), "the URL has no host")
    netloc = f"[{host}]{port}" if ":" in host else f"{host}{port}"
    shown_netloc = netloc
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    url = urllib.parse.urlunsplit((parts.scheme, netloc, path, parts.query, ""))
    headers = {"Accept": _ACCEPT, "User-Agent": _USER_AGENT}
    request = urllib.request.Request(url, headers=headers)
    if parts.username is not None:
        # urllib ignores credentials in the URL: send Basic auth, never on redirects.
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        request.add_unredirected_header("Authorization", f"Basic {token}")
        shown_netloc = f"{parts.username}:***@{netloc}"
    shown = urllib.parse.urlunsplit((parts.scheme, shown_netloc, path, parts.query, ""))
    return request, shown


class _HTTPOnlyRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http and https URLs."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        """Refuse a redirect that leaves http/https (urllib would follow ftp)."""
        if urllib.parse.urlsplit(newurl).scheme.lower() not in _SCHEMES:
            fp.close()
            raise _BadResponse(f"redirected to {newurl!r}; only http and https URLs are allowed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _names(response: http.client.HTTPResponse, deadline: float) -> Iterator[str | None]:
    """Yield every project name in the response as it streams in (None: one too long)."""
    raw_type = response.headers.get("Content-Type") or ""
    media_type = raw_type.split(";", 1)[0].strip().lower()
    if media_type == _JSON_TYPE:
        return _json_names(_text_chunks(response, deadline, "utf-8", "strict"))
    if media_type in _HTML_TYPES:
        charset = response.headers.get_content_charset() or "utf-8"
        try:
            codec = codecs.lookup(charset)
        except (LookupError, ValueError):  # unknown, or not even a codec name
            codec = codecs.lookup("utf-8")  # as browsers do
        if not codec._is_text_encoding or codec.name in _NOT_CHARSETS:
            raise _BadResponse(f"charset {charset[:40]!r} in Content-Type is not a text encoding")
        return _html_names(_text_chunks(response, deadline, codec.name, "replace"))
    received = repr(raw_type) if raw_type else "no Content-Type"
    raise _BadResponse(f"unexpected content type {received} (expected {_JSON_TYPE} or text/html)")


def _text_chunks(
    response: http.client.HTTPResponse, deadline: float, encoding: str, errors: str
) -> Iterator[str]:
    """Yield the body as decoded text, one chunk at a time, until the deadline.

    A body longer than ``MAX_RESPONSE_BYTES`` is refused: at once when its
    Content-Length says so, else when that much has arrived.
    """
    limit = MAX_RESPONSE_BYTES
    too_large = f"response is larger than {_size(limit)}"
    if response.length is not None and response.length > limit:
        raise _BadResponse(f"{too_large} (Content-Length: {response.length})")
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    received = 0
    try:
        while data := response.read(_CHUNK_SIZE):
            if time.monotonic() > deadline:
                raise TimeoutError("the search deadline has passed")  # the caller gave up
            received += len(data)
            if received > limit:
                raise _BadResponse(too_large)
            yield decoder.decode(data)
        if response.length:  # read(n) does not complain when Content-Length is unmet
            raise ConnectionError(f"closed with {response.length} bytes still expected")
        yield decoder.decode(b"", final=True)
    except UnicodeError as exc:  # even with errors="replace", as UTF-16 without a BOM
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        name = "UTF-8" if encoding == "utf-8" else encoding
        raise _BadResponse(f"response is not valid {name} ({reason})") from exc


def _size(count: int) -> str:
    """Describe a number of bytes, in MiB when it is a whole number of them."""
    return f"{count >> 20} MiB" if count and count % (1 << 20) == 0 else f"{count} bytes"


class _LinkTexts(html.parser.HTMLParser):
    """Collect the text of each ``<a>`` element of a PEP 503 page, as the page is fed in.

    html.parser reads an unfinished tag or comment again from its start whenever more
    data arrives, so one that never ends would take quadratic time: past
    ``_MAX_MARKUP`` characters the page is refused. Of one link's text at most
    ``_MAX_ANCHOR_TEXT`` characters are kept.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str | None] = []  # the link texts done (None: one too long)
        self._text: list[str] | None = None  # the text of the open <a>, if one is open
        self._size = 0  # the length of that text, counting what was not kept

    def feed(self, data: str) -> None:
        """Read the next piece of the page."""
        super().feed(data)
        if len(self.rawdata) > _MAX_MARKUP:  # what html.parser keeps to read again
            raise _BadResponse(f"malformed HTML: a tag or comment of over {_MAX_MARKUP} characters")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a link at ``<a>``."""
        if tag == "a":
            self._text, self._size = [], 0

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open no link at ``<a/>``, which has no text."""

    def handle_data(self, data: str) -> None:
        """Add text to the open link, keeping no more than ``_MAX_ANCHOR_TEXT``."""
        if self._text is not None:
            if self._size + len(data) <= _MAX_ANCHOR_TEXT:
                self._text.append(data)
            self._size += len(data)

    def handle_endtag(self, tag: str) -> None:
        """Close the open link at ``</a>``, recording its text."""
        if tag != "a" or self._text is None:
            return
        if self._size > _MAX_ANCHOR_TEXT:
            self.names.append(None)
        elif name := "".join(self._text).strip():
            self.names.append(name)
        self._text = None


def _html_names(chunks: Iterator[str]) -> Iterator[str | None]:
    """Yield the names of a PEP 503 HTML project list (None for one too long to keep)."""
    links = _LinkTexts()
    for chunk in chunks:
        links.feed(chunk)
        yield from links.names
        links.names.clear()
    links.close()  # an <a> never closed has no name
    yield from links.names


class _JSONStream:
    """Decode a JSON document one small value at a time from text chunks."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._buf = ""
        self._pos = 0
        self._eof = False

    def _fill(self) -> bool:
        """Drop consumed text and append the next chunk; False at end of input."""
        chunk = next(self._chunks, None)
        if chunk is None:
            self._eof = True
            return False
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def peek(self) -> str:
        """Skip whitespace; return the next character ("" at end of input)."""
        while True:
            self._pos = _JSON_WS.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf) or not self._fill():
                return self._buf[self._pos : self._pos + 1]

    def take(self, allowed: str) -> str:
        """Consume the next character, which must be one of ``allowed``."""
        char = self.peek()
        if not char or char not in allowed:
            expected = " or ".join(repr(c) for c in allowed)
            found = repr(char) if char else "end of data"
            raise _BadResponse(f"malformed JSON: expected {expected}, found {found}")
        self._pos += 1
        return char

    def value(self) -> object:
        """Decode and consume the next complete JSON value."""
        self.peek()
        while True:
            try:
                obj, end = _DECODER.raw_decode(self._buf, self._pos)
            except RecursionError as exc:
                raise _BadResponse("malformed JSON: nested too deeply") from exc
            except json.JSONDecodeError as exc:
                if self._eof or len(self._buf) - self._pos > _MAX_VALUE:
                    raise _BadResponse(f"malformed JSON: {exc.msg}") from exc
            except ValueError as exc:  # int() refuses over 4300 digits (Python 3.11+)
                raise _BadResponse("malformed JSON: a number with too many digits") from exc
            else:
                # A value ending exactly at the buffer end (a number) may go on.
                if end < len(self._buf) or self._eof:
                    self._pos = end
                    return obj
            self._fill()

    def elements(self, close: str) -> Iterator[None]:
        """Step through comma-separated items until ``close``; caller reads each."""
        if self.peek() == close:
            self.take(close)
            return
        while True:
            yield
            if self.take("," + close) == close:
                return


def _json_names(chunks: Iterator[str]) -> Iterator[str]:
    """Yield the names of a PEP 691 project list, checking ``meta``."""
    stream = _JSONStream(chunks)
    stream.take("{")
    keys: set[str] = set()
    for _ in stream.elements("}"):
        key = stream.value()
        if not isinstance(key, str):
            raise _BadResponse("malformed JSON: object key is not a string")
        stream.take(":")
        keys.add(key)
        if key == "projects":
            stream.take("[")
            for _ in stream.elements("]"):
                project = stream.value()
                name = project.get("name") if isinstance(project, dict) else None
                if not isinstance(name, str):
                    raise _BadResponse("malformed JSON: project without a 'name' string")
                yield name
        elif key == "meta":
            _check_meta(stream.value())
        else:
            stream.value()
    if stream.peek():
        raise _BadResponse("malformed JSON: unexpected data after the top-level object")
    for required in ("meta", "projects"):
        if required not in keys:
            raise _BadResponse(f"malformed JSON: no {required!r} key")


def _check_meta(meta: object) -> None:
    """Require a PEP 691 ``meta`` object with a 1.x ``api-version``."""
    version = meta.get("api-version") if isinstance(meta, dict) else None
    if not isinstance(version, str):
        raise _BadResponse("malformed JSON: 'meta' has no 'api-version' string")
    if version.split(".")[0] != "1":
        raise _BadResponse(f"unsupported simple API version {version!r} (only 1.x is supported)")


def installed_distributions() -> dict[str, str]:
    """Return the installed distributions as {normalized name: version}.

    Of a distribution installed twice, the copy first on sys.path counts, as it
    does for imports and for importlib.metadata.version(). A distribution whose
    metadata cannot be read (not UTF-8, a symlink loop, ...) is skipped, as
    ``plugins`` skips it.
    """
    from importlib.metadata import distributions

    installed: dict[str, str] = {}
    for dist in distributions():
        try:  # typed as str, but None where a header is missing
            name: object = dist.metadata["Name"]
            version: object = dist.version
        except Exception:  # unreadable metadata must not stop the search
            continue
        if isinstance(name, str) and isinstance(version, str):
            installed.setdefault(normalize(name), version)
    return installed
