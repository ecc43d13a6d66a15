"""Search a Python package index for plugin projects.

The index's simple repository API is fetched with one streamed request, as
PEP 691 JSON when the index offers it and PEP 503 HTML otherwise. Only the
project names that match the plugin naming convention are kept, so even the
full PyPI listing (tens of MB) is searched in little memory. The whole search,
connecting included, must finish within one overall deadline: an index that
sends a byte now and then cannot keep it going.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import html
import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

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
    escape codes. The search
    gives up after ``timeout`` seconds in all. Any failure to fetch or understand
    the index raises :class:`SearchError`.
    """
    request, shown = _build_request(index_url)
    wanted = tuple(prefixes)
    names: set[str] = set()
    dropped = 0
    with _Deadline(timeout) as deadline:
        opener = urllib.request.build_opener(_HTTPOnlyRedirectHandler, *_handlers(deadline))
        try:
            with opener.open(request, timeout=timeout) as response:
                for name in _names(response, deadline):
                    if name is None or len(name) > MAX_NAME_LENGTH or not _valid(name):
                        dropped += 1
                    elif (normalized := normalize(name)).startswith(wanted):
                        names.add(normalized)
            deadline.remaining()  # a connection cut at the deadline may look like a short body
        except (OSError, http.client.HTTPException, _BadResponse) as exc:
            raise _explain(exc, shown, deadline) from exc
    return Matches(sorted(names), dropped)


def _valid(name: str) -> bool:
    """Tell whether ``name`` is a valid project name (PEP 508)."""
    return _VALID_NAME.fullmatch(name) is not None


def _explain(exc: Exception, shown: str, deadline: _Deadline) -> SearchError:
    """Turn what went wrong while searching into a :class:`SearchError`."""
    if deadline.expired or isinstance(exc, TimeoutError):
        return _error(shown, f"timed out after {deadline.seconds:g} s")
    if isinstance(exc, urllib.error.HTTPError):
        exc.close()
        return _error(shown, f"HTTP error {exc.code} {exc.reason}")
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, TimeoutError):
            return _error(shown, f"timed out after {deadline.seconds:g} s")
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


class _Deadline:
    """An overall time limit: when it passes, every watched socket is shut down.

    A socket timeout bounds each read, not their sum, and a server can keep
    sending one byte a second: shutting the socket down wakes whatever read is
    waiting on it, in the headers or in the body.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._watched: list[http.client.HTTPConnection | socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        """Start the clock."""
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the clock."""
        self._timer.cancel()

    def remaining(self) -> float:
        """Return the seconds left; raise TimeoutError once there are none."""
        left = self._end - time.monotonic()
        if self.expired or left <= 0:
            raise TimeoutError("the search deadline has passed")
        return left

    def watch(self, target: http.client.HTTPConnection | socket.socket) -> None:
        """Shut ``target`` (a connection's current socket, or a socket) down at the deadline."""
        with self._lock:
            self._watched.append(target)
            expired = self.expired
        if expired:
            _shut_down(target)

    def _expire(self) -> None:
        """Mark the deadline passed and cut every watched socket (in the timer's thread)."""
        with self._lock:
            self.expired = True
            watched = list(self._watched)
        for target in watched:
            _shut_down(target)


def _shut_down(target: http.client.HTTPConnection | socket.socket) -> None:
    """Shut a socket down for reading and writing, waking any thread blocked on it."""
    sock = target.sock if isinstance(target, http.client.HTTPConnection) else target
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, even for TLS


class _HTTPConnection(http.client.HTTPConnection):
    """An HTTP connection that its deadline can cut."""

    def __init__(self, host: str, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        """Connect within the time left, then put the socket under the deadline's watch."""
        self.timeout = self._deadline.remaining()
        self._deadline.watch(self)  # reaches self.sock during a TLS handshake, too
        super().connect()
        self._deadline.watch(self.sock)  # urllib lets go of self.sock before the body


class _HTTPSConnection(_HTTPConnection, http.client.HTTPSConnection):
    """An HTTPS connection that its deadline can cut."""


class _HTTPHandler(urllib.request.HTTPHandler):
    """Open http URLs with connections under a deadline."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open ``req`` on an :class:`_HTTPConnection`."""
        deadline = self._deadline

        def connection(host: str, /, **kwargs: Any) -> http.client.HTTPConnection:
            return _HTTPConnection(host, deadline, **kwargs)

        return self.do_open(connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    """Open https URLs with connections under a deadline (and Python's default TLS context)."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open ``req`` on an :class:`_HTTPSConnection`."""
        deadline = self._deadline

        def connection(host: str, /, **kwargs: Any) -> http.client.HTTPConnection:
            return _HTTPSConnection(host, deadline, **kwargs)

        return self.do_open(connection, req)


def _handlers(deadline: _Deadline) -> list[urllib.request.BaseHandler]:
    """Return the handlers that open connections under ``deadline``."""
    return [_HTTPHandler(deadline), _HTTPSHandler(deadline)]


def _names(response: http.client.HTTPResponse, deadline: _Deadline) -> Iterator[str | None]:
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
    response: http.client.HTTPResponse, deadline: _Deadline, encoding: str, errors: str
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
            deadline.remaining()
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


# The states of _AnchorScanner: text, in a tag, after "=" in a tag, in a quoted or
# unquoted attribute value, in a comment, in a declaration or other "bogus comment".
_TEXT, _TAG, _VALUE, _QUOTED, _UNQUOTED, _COMMENT, _BOGUS = range(7)
_NAME_END = "\t\n\f\r />"  # what may follow a tag name
_IN_TAG = re.compile(r"[^>=]*")
_UNQUOTED_VALUE = re.compile(r"[^\t\n\f\r >]*")
_SPACES = re.compile(r"[\t\n\f\r ]*")
_MAX_ANCHOR_TEXT = 4096  # characters of one <a>'s text kept: far more than any name


class _AnchorScanner:
    """Find the text of each ``<a>`` element of a PEP 503 page, in one pass.

    html.parser rescans an unfinished tag or comment from its start whenever more
    data arrives, which is quadratic in its length. This scanner looks at each
    character once, keeps at most four of them from one chunk to the next, and at
    most ``_MAX_ANCHOR_TEXT`` of one link's text. It knows the HTML a link text
    needs: tags (with quoted attribute values), comments, declarations and
    character references.
    """

    def __init__(self) -> None:
        self._state = _TEXT
        self._carry = ""  # the unfinished end of the last chunk, read again with the next
        self._quote = ""  # the quote that ends the attribute value being read
        self._slash = False  # the tag read so far ends with "/", as in <a/>
        self._opening = False  # the tag being read is an <a> start tag
        self._text: list[str] | None = None  # the text of the open <a>, if one is open
        self._size = 0  # the length of that text, counting what was not kept

    def feed(self, chunk: str, *, final: bool = False) -> list[str | None]:
        """Scan the next chunk; return the link texts it completes (None: too long)."""
        done: list[str | None] = []
        buf, self._carry = self._carry + chunk, ""
        i, end = 0, len(buf)
        while i < end:
            state = self._state
            if state == _TEXT:
                j = buf.find("<", i)
                j = end if j < 0 else j
                if self._text is not None:
                    self._add(buf[i:j])
                if j < end and len(buf) - j < 5 and not final:
                    self._carry = buf[j:]  # too little to tell what the "<" starts
                    break
                i = j if j == end else self._markup(buf[j + 1 : j + 5], j, done)
            elif state == _TAG:
                j = _IN_TAG.match(buf, i).end()  # type: ignore[union-attr]  # always matches
                if j > i:
                    self._slash = buf[j - 1] == "/"
                if j < end and buf[j] == ">":
                    self._close_tag()
                elif j < end:  # "=": an attribute value follows
                    self._state, self._slash = _VALUE, False
                i = j + 1
            elif state == _VALUE:
                j = _SPACES.match(buf, i).end()  # type: ignore[union-attr]  # always matches
                if j < end and buf[j] in "\"'":
                    self._state, self._quote, j = _QUOTED, buf[j], j + 1
                elif j < end:
                    self._state = _UNQUOTED
                i = j
            elif state == _UNQUOTED:  # a "/" in it is part of the value, as in href=/x/
                i = _UNQUOTED_VALUE.match(buf, i).end()  # type: ignore[union-attr]
                if i < end:
                    self._state, self._slash = _TAG, False
            elif state == _QUOTED:
                j = buf.find(self._quote, i)
                if j >= 0:
                    self._state, self._slash = _TAG, False
                i = end if j < 0 else j + 1
            else:
                marker = "-->" if state == _COMMENT else ">"
                j = buf.find(marker, i)
                if j < 0:
                    self._carry = buf[max(i, end - len(marker) + 1) :]
                    break
                self._state, i = _TEXT, j + len(marker)
        if final:
            self._text = None  # an <a> never closed has no name
        return done

    def _markup(self, ahead: str, start: int, done: list[str | None]) -> int:
        """Enter what the "<" at ``start`` opens, given the characters after it."""
        first, second, third = ahead[:1], ahead[1:2], ahead[2:3]
        if ahead.startswith("!--"):
            self._state = _COMMENT
            return start + 4
        if first in ("!", "?"):
            self._state = _BOGUS
            return start + 2
        if first == "/" and second.isascii() and second.isalpha():
            if second in "aA" and third in _NAME_END:  # "" at the very end, too
                self._finish(done)
            self._state, self._opening = _TAG, False
            return start + 2
        if first == "/":
            self._state = _TEXT if second == ">" else _BOGUS  # "</>" is nothing
            return start + (3 if second == ">" else 2)
        if first.isascii() and first.isalpha():
            self._state, self._opening = _TAG, first in "aA" and second in _NAME_END
            self._slash = False
            return start + 1
        self._add("<")  # a "<" that starts no markup is text
        return start + 1

    def _close_tag(self) -> None:
        """Handle the ">" of a tag: an <a> start tag opens a link (<a/> opens none)."""
        self._state = _TEXT
        if self._opening:
            self._opening = False
            self._text, self._size = (None, 0) if self._slash else ([], 0)

    def _add(self, text: str) -> None:
        """Add text to the open link, keeping no more than ``_MAX_ANCHOR_TEXT``."""
        if self._text is not None and text:
            if self._size + len(text) <= _MAX_ANCHOR_TEXT:
                self._text.append(text)
            self._size += len(text)

    def _finish(self, done: list[str | None]) -> None:
        """Close the open link, if any, recording its text."""
        if self._text is None:
            return
        if self._size > _MAX_ANCHOR_TEXT:
            done.append(None)
        elif name := html.unescape("".join(self._text)).strip():
            done.append(name)
        self._text = None


def _html_names(chunks: Iterator[str]) -> Iterator[str | None]:
    """Yield the names of a PEP 503 HTML project list (None for one too long to keep)."""
    scanner = _AnchorScanner()
    for chunk in chunks:
        yield from scanner.feed(chunk)
    yield from scanner.feed("", final=True)


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
