"""Plain-text bodies shown as HTML with their web addresses clickable (everything else escaped)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_URL = re.compile(r"https?://[^\s<>\"']+")


def linkified(text: str) -> Markup:
    """`text` escaped, each http(s) address a link; line breaks kept by the page's CSS."""
    parts: list[Markup] = []
    last = 0
    for found in _URL.finditer(text):
        parts.append(escape(text[last : found.start()]))
        url = found.group(0)
        parts.append(Markup('<a href="%s">%s</a>') % (url, url))
        last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
