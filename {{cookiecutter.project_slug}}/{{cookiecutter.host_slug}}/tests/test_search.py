"""Searching a package index for plugins, against a local HTTP server only.

The first tests call search_index() directly, with an example prefix; the last
ones run ``{{ cookiecutter.host_slug }} search``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support import ENV_PREFIX, PACKAGE, PROG, RunHost, Site, one_line_error

from {{ cookiecutter.host_package }} import search
from {{ cookiecutter.host_package }}.search import DEFAULT_INDEX_URL, SearchError, normalize, search_index

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_HEAD = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"  # a raw response's start
PREFIXES = ("my-app-",)  # search_index() matches any prefixes: this one is just an example

Response = tuple[int, dict[str, str], bytes]


class Index:
    """A tiny index server; ``respond`` decides the answer to each GET."""

    def __init__(self) -> None:
        """Start with no requests, answering 404 until told otherwise."""
        self.requests: list[dict[str, str]] = []
        self.release = threading.Event()
        self.hang_after_body = False
        self.respond: Callable[[dict[str, str]], Response] = lambda _: (404, {}, b"")
        self.raw: tuple[bytes, bytes] | None = None
        self.url = ""

    def serve(self, body: bytes | str, content_type: str, status: int = 200) -> None:
        """Answer every request with this body."""
        data = body.encode() if isinstance(body, str) else body
        self.respond = lambda _: (status, {"Content-Type": content_type}, data)

    def drip(self, head: bytes, tail: bytes) -> None:
        """Answer with the raw bytes ``head`` at once, then ``tail`` a byte every 0.1 s."""
        self.raw = (head, tail)


def pep691(names: list[str], version: str = "1.1", **extra: object) -> str:
    """Build a PEP 691 root listing."""
    projects = [{"name": name, "_last-serial": 1} for name in names]
    return json.dumps({"meta": {"api-version": version}, "projects": projects, **extra})


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reach the local server directly, whatever proxy the environment names."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


@pytest.fixture
def index() -> Iterator[Index]:
    """Run an :class:`Index` on 127.0.0.1 for the duration of one test."""
    state = Index()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.requests.append({"path": self.path, **headers})
            if state.raw is not None:
                self.close_connection = True
                head, tail = state.raw
                try:
                    self.wfile.write(head)
                    for i in range(len(tail)):
                        self.wfile.write(tail[i : i + 1])
                        self.wfile.flush()
                        if state.release.wait(0.1):
                            break
                except OSError:
                    pass  # the client gave up, as it should
                return
            status, extra, body = state.respond(headers)
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                if "Content-Length" not in extra:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                if state.hang_after_body:
                    state.release.wait(5)
            except OSError:
                pass  # the client gave up (timeout tests)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/simple/"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


def search_error(url: str, **kwargs: float) -> str:
    """Run a search that must fail; return its one-line message."""
    with pytest.raises(SearchError) as info:
        search_index(url, PREFIXES, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_normalize() -> None:
    """PEP 503 normalization folds runs of -_. and case."""
    assert normalize("My_App.Foo") == "my-app-foo"
    assert normalize("my--app__.-x") == "my-app-x"
    assert DEFAULT_INDEX_URL == "https://pypi.org/simple/"


def test_json_matches_normalized_sorted_deduplicated(index: Index) -> None:
    """JSON names are normalized, filtered by prefix, sorted and de-duplicated."""
    names = ["zeta", "My_App.Foo", "my-app-bar", "MY.APP-bar", "other-my-app-x"]
    names += ["my-app", "my-appx", "my_app_", "your-app-foo", "my-app-foo", "my-app-z."]
    index.serve(pep691(names), f"{JSON_TYPE}; charset=utf-8")
    result = search_index(index.url, PREFIXES)
    assert result == ["my-app-bar", "my-app-foo"]
    assert result.dropped == 2  # "my_app_" and "my-app-z." are no valid names


def test_several_prefixes_and_no_match(index: Index) -> None:
    """Any prefix may match; no match gives an empty list."""
    index.serve(pep691(["a-plugin-x", "b-plugin-y", "c-plugin-z"]), JSON_TYPE)
    prefixes = ("a-plugin-", "b-plugin-")
    assert search_index(index.url, prefixes) == ["a-plugin-x", "b-plugin-y"]
    assert search_index(index.url, ("nothing-",)) == []


def test_content_negotiation(index: Index) -> None:
    """JSON is asked for first, with HTML as fallbacks, on the slash-ended root."""

    def negotiate(headers: dict[str, str]) -> Response:
        if headers["accept"].startswith(JSON_TYPE):
            return 200, {"Content-Type": JSON_TYPE}, pep691(["my-app-json"]).encode()
        return 200, {"Content-Type": "text/html"}, b"<a>my-app-html</a>"

    index.respond = negotiate
    assert search_index(index.url.rstrip("/"), PREFIXES) == ["my-app-json"]
    (request,) = index.requests
    assert request["path"] == "/simple/"  # trailing slash added
    accept = [part.strip() for part in request["accept"].split(",")]
    assert accept[0] == JSON_TYPE
    assert accept[1:] == [
        "application/vnd.pypi.simple.v1+html;q=0.2",
        "text/html;q=0.01",
    ]
    assert request["user-agent"] and "Python-urllib" not in request["user-agent"]


def test_json_content_type_is_case_insensitive(index: Index) -> None:
    """The JSON media type is matched case-insensitively, ignoring parameters."""
    index.serve(pep691(["my-app-a"]), "Application/VND.PyPI.Simple.V1+JSON ; x=y")
    assert search_index(index.url, PREFIXES) == ["my-app-a"]


def test_json_tricky_layout_at_every_chunk_size(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whitespace, escapes, nesting and key order survive any chunking."""
    body = (
        '\n{ "extra" : { "projects" : [ { "name" : "my-app-decoy" } ] },\n'
        '  "projects" : [\n'
        '    { "name" : "my\\u005fapp-esc\\u0051" , "q" : "\\"", "n" : -1.5e3 } ,\n'
        '    {"name":"my-app-ünïcode","tags":["]","}",",","\\\\"]},\n'
        '    { "_last-serial" : 12345 , "name" : "My.App--Last" }\n'
        '  ] , "count" : 1234567 ,\n'
        '  "meta" : { "api-version" : "1.0" , "_last-serial" : 9 } }\n  '
    )
    index.serve(body, JSON_TYPE)
    expected = ["my-app-escq", "my-app-last"]  # and "my-app-ünïcode" is no valid name
    for size in (1, 2, 3, 5, 7, 64):
        monkeypatch.setattr(search, "_CHUNK_SIZE", size)
        result = search_index(index.url, PREFIXES)
        assert (result, result.dropped) == (expected, 1), size


def test_json_large_listing_streams(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200k-project listing is searched chunk by chunk in bounded memory."""
    # 200k projects; every 7th matches, with varying name lengths so that
    # matching entries straddle many of the 64 KiB chunk boundaries.
    names = [
        f"My_App.p{i}{'x' * (i % 13)}" if i % 7 == 0 else f"unrelated-project-{i}"
        for i in range(200_000)
    ]
    body = pep691(names).encode()
    index.serve(body, JSON_TYPE)
    expected = sorted({normalize(n) for n in names if n.startswith("My_App.")})

    chunk = search._CHUNK_SIZE
    straddling = 0
    for boundary in range(chunk, len(body), chunk):
        start = body.rindex(b"{", 0, boundary)
        end = body.index(b"}", boundary) + 1
        straddling += b'"My_App.' in body[start:end]
    assert straddling > 10

    largest = 0
    fill = search._JSONStream._fill

    def spy(self: search._JSONStream) -> bool:
        nonlocal largest
        result = fill(self)
        largest = max(largest, len(self._buf))
        return result

    monkeypatch.setattr(search._JSONStream, "_fill", spy)
    result = search_index(index.url, PREFIXES)
    assert result == expected
    assert len(result) == len(range(0, 200_000, 7))
    assert len(body) > 100 * chunk
    assert largest < 2 * chunk  # never more than about one chunk in memory


def test_html_index_with_odd_markup(index: Index) -> None:
    """A PEP 503 page is read from link texts, whatever the markup."""
    html = """<!DOCTYPE html>
<html><head><meta name="pypi:repository-version" content="1.0">
<title>Simple index</title></head>
<body>
  <a href="/simple/my-app-one/" data-x='y'>my-app-one</a>
  <A HREF="/simple/my-app-two/">
      My_App.Two
  </A>
  <a href="/simple/x/">my&#95;app&#x2E;entity</a>
  <a href="/simple/y/"  >my-app-&#x62;old<!-- comment --></a>
  <a href="/simple/other/">other-project</a>
  <a href="/simple/my-app-one/">MY-APP-ONE</a>
  <a href="/simple/empty/"></a><a/>
  <p>my-app-not-a-link</p>
</body></html>"""
    index.serve(html, "text/html; charset=utf-8")
    expected = ["my-app-bold", "my-app-entity", "my-app-one", "my-app-two"]
    assert search_index(index.url, PREFIXES) == expected


def test_html_streams_across_chunks(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTML split at any point, even inside entities and UTF-8, still parses."""
    links = "".join(f'<a href="/simple/p{i}/">pkg-{i}</a>\n' for i in range(500))
    html = f'<html><body>{links}<p>ünï</p><a href="/s/">my&#95;app-&#x75;ni</a>\n<a>my-app-z</a>'
    index.serve(html.encode("utf-8"), "application/vnd.pypi.simple.v1+html")
    for size in (1, 3, 64 * 1024):
        monkeypatch.setattr(search, "_CHUNK_SIZE", size)
        assert search_index(index.url, PREFIXES) == ["my-app-uni", "my-app-z"]


@pytest.mark.parametrize("start", ['<a href="', "<a b=", "<!--", "<!DOCTYPE ", "<x"])
def test_unterminated_markup_is_refused_in_linear_time(
    index: Index, monkeypatch: pytest.MonkeyPatch, start: str
) -> None:
    """A tag, comment or declaration that never ends is refused once it is longer than any
    real one, not read again with every chunk to the end."""
    monkeypatch.setattr(search, "_CHUNK_SIZE", 2048)  # 2000 chunks: quadratic takes seconds
    index.serve(f"<a>my-app-first</a>{start}" + "x" * 4_000_000, "text/html")
    begin = time.monotonic()
    assert "malformed HTML: a tag or comment of over 65536 characters" in search_error(index.url)
    assert time.monotonic() - begin < 1


def test_an_unterminated_link_takes_linear_time(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link whose text never ends is read once, and has no name."""
    monkeypatch.setattr(search, "_CHUNK_SIZE", 2048)
    index.serve("<a>my-app-first</a><a>" + "x" * 4_000_000, "text/html")
    begin = time.monotonic()
    assert search_index(index.url, PREFIXES) == ["my-app-first"]
    assert time.monotonic() - begin < 1


@pytest.mark.parametrize("kind", ["json", "html"])
def test_overlong_names_are_dropped(index: Index, kind: str) -> None:
    """Names over 200 characters are left out and counted; a huge link is not kept whole."""
    longest, too_long = "my-app-" + "x" * 193, "my-app-" + "y" * 194
    if kind == "json":
        index.serve(pep691([longest, too_long, "my-app-" + "z" * 1_000_000]), JSON_TYPE)
    else:
        html = f"<a>{longest}</a><a>{too_long}</a><a>my-app-{'z' * 1_000_000}</a>"
        index.serve(html, "text/html")
    result = search_index(index.url, PREFIXES)
    assert result == [longest]
    assert result.dropped == 2


def test_response_size_is_capped(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """A body without Content-Length is cut off once it passes MAX_RESPONSE_BYTES."""
    monkeypatch.setattr(search, "MAX_RESPONSE_BYTES", 1000)
    index.drip(HTML_HEAD + b"<a>my-app-x</a>" * 100, b"")
    assert "response is larger than 1000 bytes" in search_error(index.url)


def test_html_with_latin1_charset(index: Index) -> None:
    """A Latin-1 page is read; a name with a non-ASCII letter is no valid name."""
    html = "<a>my-app-caf\u00e9</a><a>my-app-cafe</a>".encode("latin-1")
    index.serve(html, "text/html; charset=latin-1")
    result = search_index(index.url, PREFIXES)
    assert (result, result.dropped) == (["my-app-cafe"], 1)


def test_html_with_utf16_charset(index: Index) -> None:
    """A real text encoding other than UTF-8 is honoured; undecodable data is an error."""
    index.serve("<a>my-app-x</a>".encode("utf-16"), "text/html; charset=utf-16")
    assert search_index(index.url, PREFIXES) == ["my-app-x"]
    index.serve("<a>my-app-x</a>".encode("utf-16-le"), "text/html; charset=UTF-16")
    assert "response is not valid utf-16 (" in (  # the codec's own words vary by Python
        search_error(index.url)
    )


@pytest.mark.parametrize("status", [404, 500])
def test_http_errors(index: Index, status: int) -> None:
    """HTTP error statuses become a one-line SearchError with the code."""
    index.serve("nope", "text/plain", status=status)
    message = search_error(index.url)
    assert index.url in message
    assert f"HTTP error {status}" in message


def test_connection_refused() -> None:
    """A closed port is reported as a connection failure."""
    url = closed_port_url()
    message = search_error(url, timeout=2)
    assert url in message
    assert "cannot connect" in message


def test_timeout_waiting_for_response(index: Index) -> None:
    """A server that never answers hits the timeout."""

    def hang(_: dict[str, str]) -> Response:
        index.release.wait(5)
        return 200, {"Content-Type": JSON_TYPE}, b"{}"

    index.respond = hang
    message = search_error(index.url, timeout=0.2)
    assert index.url in message
    assert "timed out after 0.2 s" in message


def test_timeout_while_reading_body(index: Index) -> None:
    """A server that stalls mid-body hits the timeout."""
    index.hang_after_body = True
    headers = {"Content-Type": JSON_TYPE, "Content-Length": "1000"}
    index.respond = lambda _: (200, headers, b'{"projects": [')
    message = search_error(index.url, timeout=0.2)
    assert index.url in message
    assert "timed out after 0.2 s" in message


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        (HTML_HEAD, b"<a>my-app-x</a>" * 3),  # the body trickles in, for 4.5 s
        (b"", HTML_HEAD + b"<a>my-app-x</a>"),  # so do the status line and headers
        (b"HTTP/1.0 200 OK\r\n", b"X-Padding: " + b"x" * 40),
    ],
    ids=["body", "status-and-headers", "endless-header"],
)
def test_slow_drip_hits_the_overall_deadline(index: Index, head: bytes, tail: bytes) -> None:
    """A byte every 0.1 s never trips a socket timeout, but the whole search has a deadline."""
    index.drip(head, tail)
    start = time.monotonic()
    message = search_error(index.url, timeout=1)
    elapsed = time.monotonic() - start
    assert f"cannot search {index.url}: timed out after 1 s" in message
    assert 0.9 < elapsed < 2.5


def test_truncated_body(index: Index) -> None:
    """A body shorter than its Content-Length is an error, not a short list."""
    headers = {"Content-Type": JSON_TYPE, "Content-Length": "1000"}
    index.respond = lambda _: (200, headers, b'{"projects": [')
    message = search_error(index.url)
    assert index.url in message
    assert "connection failed (closed with 986 bytes still expected)" in message


@pytest.mark.parametrize("version", ["2.0", "0.9", "v1"])
def test_wrong_api_version(index: Index, version: str) -> None:
    """Only 1.x simple API versions are accepted."""
    index.serve(pep691(["my-app-x"], version=version), JSON_TYPE)
    message = search_error(index.url)
    assert f"unsupported simple API version '{version}'" in message


def test_wrong_api_version_after_projects(index: Index) -> None:
    """The version is checked even when meta follows projects."""
    body = '{"projects": [{"name": "my-app-x"}], "meta": {"api-version": "2.3"} }'
    index.serve(body, JSON_TYPE)
    assert "'2.3'" in search_error(index.url)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ('{"meta": {"api-version": "1.0"}, "projects": [{"name": "a"},]}', "malformed"),
        (
            '{"meta": {"api-version": "1.0"}, "projects": [{"name": "my-app-',
            "malformed",
        ),
        ('{"meta": {"api-version": "1.0"}, "projects": [{"name": 3}]}', "'name'"),
        ('{"meta": {"api-version": "1.0"}, "projects": ["a"]}', "'name'"),
        ('{"meta": {"api-version": "1.0"}, "projects": []} []', "after"),
        ('{"meta": {"api-version": "1.0"} }', "'projects'"),
        ('{"projects": []}', "'meta'"),
        ('{"meta": {}, "projects": []}', "api-version"),
        ('[{"name": "my-app-x"}]', "expected '{'"),
        ("", "end of data"),
        ('{"meta" {"api-version": "1.0"} }', "expected ':'"),
        (b'{"meta": {"api-version": "1.0"}, "projects": [{"name": "\xff"}]}', "UTF-8"),
    ],
)
def test_malformed_json(index: Index, body: str | bytes, detail: str) -> None:
    """Broken or incomplete PEP 691 JSON is reported, naming the problem."""
    index.serve(body, JSON_TYPE)
    message = search_error(index.url)
    assert index.url in message
    assert detail in message


@pytest.mark.parametrize(
    ("value", "detail"),
    [("[" * 200_000, "nested too deeply"), ("1" * 5000, "a number with too many digits")],
    ids=["deep", "long-number"],
)
def test_hostile_json_values(index: Index, value: str, detail: str) -> None:
    """JSON nested 200,000 deep, or a 5000-digit number, is an error, not a traceback."""
    body = '{"meta": {"api-version": "1.0"}, "projects": [{"name": "my-app-x", "x": ' + value
    index.serve(body, JSON_TYPE)
    assert f"malformed JSON: {detail}" in search_error(index.url)


def test_oversized_json_value_is_rejected(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """A single runaway value cannot make the buffer grow without bound."""
    monkeypatch.setattr(search, "_MAX_VALUE", 100)
    body = '{"meta": {"api-version": "1.0"}, "projects": [{"name": "' + "a" * 1000
    index.serve(body + "x" * 200_000, JSON_TYPE)
    assert "malformed JSON" in search_error(index.url)


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", ""])
def test_unexpected_content_type(index: Index, content_type: str) -> None:
    """Other content types are rejected, saying what was expected."""
    index.respond = lambda _: (
        200,
        {"Content-Type": content_type} if content_type else {},
        b"x",
    )
    message = search_error(index.url)
    assert "unexpected content type" in message
    assert (content_type or "no Content-Type") in message
    assert JSON_TYPE in message and "text/html" in message


@pytest.mark.parametrize(
    "url", ["ftp://example.invalid/simple/", "file:///etc/passwd", "example.org/simple"]
)
def test_non_http_url(url: str) -> None:
    """Only http and https index URLs are accepted."""
    assert "only http and https URLs are allowed" in search_error(url)


@pytest.mark.parametrize("url", ["http:///simple/", "http://[::1/simple/", "http://h:x/"])
def test_invalid_url(url: str) -> None:
    """URLs without a host or with a bad host/port are rejected."""
    message = search_error(url)
    assert "no host" in message or "invalid URL" in message


def test_redirect_to_other_scheme_is_refused(index: Index) -> None:
    """A redirect away from http/https is not followed."""
    index.respond = lambda _: (302, {"Location": "ftp://example.invalid/simple/"}, b"")
    message = search_error(index.url)
    assert "redirected to 'ftp://example.invalid/simple/'" in message


def test_redirect_within_http_is_followed(index: Index) -> None:
    """An http redirect is followed, keeping the Accept header."""

    def respond(headers: dict[str, str]) -> Response:
        if len(index.requests) == 1:
            return 301, {"Location": "/moved/"}, b""
        return 200, {"Content-Type": JSON_TYPE}, pep691(["my-app-moved"]).encode()

    index.respond = respond
    assert search_index(index.url, PREFIXES) == ["my-app-moved"]
    assert [r["path"] for r in index.requests] == ["/simple/", "/moved/"]
    assert index.requests[1]["accept"].startswith(JSON_TYPE)


def test_credentials_are_sent_and_hidden(index: Index) -> None:
    """URL credentials go out as Basic auth but never into messages."""
    index.serve("nope", "text/plain", status=403)
    url = index.url.replace("http://", "http://user:s3cret%21@")
    message = search_error(url)
    assert "s3cret" not in message
    assert "user:***@127.0.0.1" in message
    assert index.requests[0]["authorization"] == "Basic dXNlcjpzM2NyZXQh"


# The command line: `search` keeps the plugin projects and marks the installed ones.


def closed_port_url() -> str:
    """Return the URL of a local port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple/"


def test_search_command(make_site: Callable[[], Site], run_host: RunHost, index: Index) -> None:
    first, second = make_site(), make_site()
    first.install(f"{PROG}-installed", "0.3")
    second.install(f"{PROG}-installed", "0.1")  # shadowed by the first
    names = [f"{PROG}-installed", f"{PACKAGE}_other", PROG, f"not-{PROG}-x", "unrelated"]
    index.serve(pep691(names), JSON_TYPE)
    result = run_host("search", "--index-url", index.url, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"project": normalize(f"{PROG}-installed"), "installed": True, "version": "0.3"},
        {"project": normalize(f"{PACKAGE}_other"), "installed": False, "version": None},
    ]
    table = run_host("search", "--index-url", index.url).stdout.splitlines()
    assert table[0].split() == [normalize(f"{PROG}-installed"), "installed", "0.3"]
    assert table[1].split() == [normalize(f"{PACKAGE}_other")]


def test_search_command_without_matches(site: Site, run_host: RunHost, index: Index) -> None:
    index.serve(pep691(["unrelated"]), JSON_TYPE)
    assert json.loads(run_host("search", "--index-url", index.url, "--json").stdout) == []
    result = run_host("search", "--index-url", index.url)
    assert result.returncode == 0
    assert result.stdout.startswith(f"No project on {index.url} starts with ")


def test_search_command_connection_refused(run_host: RunHost) -> None:
    url = closed_port_url()
    result = run_host("search", "--index-url", url)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{PROG}: error: cannot search {url}: cannot connect")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_search_command_deadline(run_host: RunHost, index: Index, how: str) -> None:
    """``--timeout`` or the environment sets the deadline of the whole search."""
    index.drip(HTML_HEAD, b"<a>my-app-x</a>" * 3)
    args, env = ["search", "--index-url", index.url], {f"{ENV_PREFIX}SEARCH_TIMEOUT": "1"}
    if how == "option":
        args, env = [*args, "--timeout", "1"], {f"{ENV_PREFIX}SEARCH_TIMEOUT": "1000"}
    start = time.monotonic()
    result = run_host(*args, env=env)
    elapsed = time.monotonic() - start
    message = one_line_error(result)
    assert message == f"{PROG}: error: cannot search {index.url}: timed out after 1 s"
    assert result.returncode == 1
    assert elapsed < 3


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf"])
def test_search_command_bad_timeout(run_host: RunHost, value: str) -> None:
    """A bad timeout, in the environment or as an option, is refused before any search."""
    url = closed_port_url()
    result = run_host("search", "--index-url", url, env={f"{ENV_PREFIX}SEARCH_TIMEOUT": value})
    assert result.returncode == 2
    assert one_line_error(result) == (
        f"{PROG}: error: {ENV_PREFIX}SEARCH_TIMEOUT: "
        f"expected a positive number of seconds, not {value!r}"
    )
    result = run_host("search", "--index-url", url, "--timeout", value)
    assert result.returncode == 2
    assert f"argument --timeout: expected a positive number of seconds, not {value!r}" in (
        result.stderr
    )


def test_search_command_drops_a_huge_link(site: Site, run_host: RunHost, index: Index) -> None:
    index.serve(f"<a>{PROG}-ok</a><a>{PROG}-{'x' * 1_000_000}</a>", "text/html")
    result = run_host("search", "--index-url", index.url)
    assert result.returncode == 0
    assert result.stdout.split() == [normalize(f"{PROG}-ok")]
    assert result.stderr.splitlines() == [
        f"{PROG}: warning: left out 1 name from the index that is invalid or longer than "
        "200 characters"
    ]


def test_search_command_refuses_a_huge_response(run_host: RunHost, index: Index) -> None:
    size = 64 * 1024 * 1024 + 1
    index.respond = lambda _: (200, {"Content-Type": JSON_TYPE, "Content-Length": str(size)}, b"{")
    result = run_host("search", "--index-url", index.url)
    assert result.returncode == 1
    assert one_line_error(result) == (
        f"{PROG}: error: cannot search {index.url}: "
        f"response is larger than 64 MiB (Content-Length: {size})"
    )


@pytest.mark.parametrize(
    "charset", ["rot13", "hex", "zlib_codec", "base64", "idna", "unicode_escape"]
)
def test_search_command_refuses_a_codec_that_is_no_charset(
    run_host: RunHost, index: Index, charset: str
) -> None:
    index.serve(b"<a>my-app-x</a>", f"text/html; charset={charset}")
    result = run_host("search", "--index-url", index.url)
    assert result.returncode == 1
    assert one_line_error(result) == (
        f"{PROG}: error: cannot search {index.url}: "
        f"charset {charset!r} in Content-Type is not a text encoding"
    )


def test_search_command_reports_deep_json(run_host: RunHost, index: Index) -> None:
    body = '{"meta": {"api-version": "1.0"}, "projects": [{"name": "my-app-x", "x": '
    index.serve(body + "[" * 200_000 + "]" * 200_000 + "}]}", JSON_TYPE)
    result = run_host("search", "--index-url", index.url)
    assert result.returncode == 1
    assert one_line_error(result) == (
        f"{PROG}: error: cannot search {index.url}: malformed JSON: nested too deeply"
    )


@pytest.mark.parametrize(
    "name",
    [
        f"{PROG}-forged" + " " * 30 + "installed 9.9",  # would pass for an installed plugin
        f"{PROG}-x\ninstalled",
        f"{PROG}-\x1b[2J\x1b[31mred",  # terminal escape codes
        f"{PROG}-\ud800",  # a lone surrogate cannot even be printed
        f"{PROG}-x-",
        f"{PROG}-\u212a",  # KELVIN SIGN, which re.IGNORECASE would match as "k"
    ],
    ids=["forged-line", "newline", "escape-codes", "surrogate", "trailing-dash", "kelvin"],
)
@pytest.mark.parametrize("kind", ["json", "html"])
def test_search_command_drops_invalid_names(
    site: Site, run_host: RunHost, index: Index, name: str, kind: str
) -> None:
    if kind == "json":
        index.serve(pep691([f"{PROG}-ok", name]), JSON_TYPE)
    else:
        text = name.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8", "surrogatepass")
        index.serve(f"<a>{PROG}-ok</a><a>".encode() + text + b"</a>", "text/html")
    warning = (
        f"{PROG}: warning: left out 1 name from the index that is invalid or longer than "
        "200 characters"
    )
    result = run_host("search", "--index-url", index.url)
    assert (result.returncode, result.stderr.splitlines()) == (0, [warning])
    assert result.stdout.splitlines() == [normalize(f"{PROG}-ok")]
    result = run_host("search", "--index-url", index.url, "--json")
    assert (result.returncode, result.stderr.splitlines()) == (0, [warning])
    assert json.loads(result.stdout) == [
        {"project": normalize(f"{PROG}-ok"), "installed": False, "version": None}
    ]


@pytest.mark.parametrize("breakage", ["not-utf-8", "symlink-loop", "no-version"])
def test_search_command_skips_broken_metadata(
    site: Site, run_host: RunHost, index: Index, breakage: str
) -> None:
    site.install(f"{PROG}-installed", "0.3")
    broken = site.path / f"{PACKAGE}_broken-1.0.dist-info"
    if breakage == "symlink-loop":
        broken.symlink_to(broken.name)
    else:
        broken.mkdir()
        metadata = f"Metadata-Version: 2.1\nName: {PROG}-broken\n".encode()
        if breakage == "not-utf-8":
            metadata += b"Version: 1.0\nSummary: caf\xe9\n"
        (broken / "METADATA").write_bytes(metadata + b"\n")
    index.serve(pep691([f"{PROG}-installed", f"{PROG}-broken"]), JSON_TYPE)
    result = run_host("search", "--index-url", index.url, "--json")
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout) == [
        {"project": normalize(f"{PROG}-broken"), "installed": False, "version": None},
        {"project": normalize(f"{PROG}-installed"), "installed": True, "version": "0.3"},
    ]


@pytest.mark.parametrize(
    ("head", "shown"),
    [
        (b"HTTP/1.0 500 \x1b[31mBoom\x07\r\nContent-Length: 0\r\n\r\n", "HTTP error 500 "),
        (b"\x1b[2J" + b"x" * 5000 + b"\r\n\r\n", "connection failed ("),
    ],
    ids=["reason-phrase", "status-line"],
)
def test_search_command_escapes_what_the_server_says(
    run_host: RunHost, index: Index, head: bytes, shown: str
) -> None:
    index.drip(head, b"")
    message = one_line_error(run_host("search", "--index-url", index.url))
    assert message.isprintable()
    assert len(message) <= len(f"{PROG}: error: ") + 500
    assert f"{shown}\\x1b[" in message
