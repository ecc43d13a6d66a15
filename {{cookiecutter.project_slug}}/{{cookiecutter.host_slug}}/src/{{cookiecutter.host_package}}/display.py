r"""Showing text that plugins and metadata wrote: safe for a terminal, valid for JSON.

A plugin's name, summary or error, and a distribution's metadata, may hold
anything: escape sequences that clear the screen or retitle the window, bidi
overrides that reorder what is shown, NUL, or lone surrogates, which no encoding
can write. For the terminal such characters are shown as visible escapes
(``\x1b``, ``\u202e``); JSON keeps the text exact, but a lone surrogate,
which strict parsers such as jq refuse, becomes the same visible escape.

Every message the host prints on stderr goes through :func:`error` and :func:`warning`.
"""

from __future__ import annotations

import sys

from .about import PROG

# Characters a terminal acts on rather than shows: the C0 and C1 controls, DEL, and the
# bidirectional formatting characters (Unicode's "Trojan Source" set).
_UNSAFE = {
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
}
#: How long a value from a plugin or metadata may be in a message, in characters.
MAX_SHOWN = 200


def for_terminal(text: str) -> str:
    """Return `text` with every character a terminal would act on escaped visibly.

    Tabs and newlines are escaped too: a listing or a message stays on its line.
    """
    if text.isprintable() and text.isascii():
        return text  # nearly always: nothing to do
    return "".join(
        (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        if (code := ord(char)) in _UNSAFE or 0xD800 <= code < 0xE000
        else char
        for char in text
    )


def brief(text: str, limit: int = MAX_SHOWN) -> str:
    """Return `text` cut to `limit` characters, saying so, for a one-line message."""
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def for_json(value: object) -> object:
    """Return `value` (str, list, dict, or a scalar) with lone surrogates made visible escapes."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [for_json(item) for item in value]
    if isinstance(value, dict):
        return {for_json(key): for_json(item) for key, item in value.items()}
    return value


def error(message: str) -> None:
    """Print an error message, on one line, safe for the terminal."""
    print(f"{PROG}: error: {for_terminal(message)}", file=sys.stderr)


def warning(message: str) -> None:
    """Print a warning, on one line, safe for the terminal."""
    print(f"{PROG}: warning: {for_terminal(message)}", file=sys.stderr)
