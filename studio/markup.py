"""Markdown to safe HTML: the ONE place that sanitizes user text.

Rendered once at save time; store ``body`` and ``body_html`` and mark only ``body_html``
safe in templates. bleach 6.4.0 is its final release: keep every call here so a switch to
nh3 is a one-module change, and keep the XSS corpus test strong.
"""
import re
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = [
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody",
    "tr", "th", "td", "span", "sup", "sub",
]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]
EXTENSIONS = ["markdown.extensions.tables", "markdown.extensions.fenced_code",
              "markdown.extensions.sane_lists", "markdown.extensions.nl2br"]
# Column alignment as align="..." (kept by the sanitizer) rather than style="..." (dropped).
EXTENSION_CONFIGS = {"markdown.extensions.tables": {"use_align_attribute": True}}


def render_markdown(text):
    """Markdown source -> sanitized HTML (links http, https, mailto only)."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                             output_format="html")
    # Clean and linkify in one pass (bleach.linkify on cleaned HTML escapes the text of its
    # skip_tags a second time: `a < b` in code showed as "a &lt; b").
    cleaner = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                             protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True,
                             filters=[partial(LinkifyFilter, callbacks=[_external_link],
                                              skip_tags=["pre", "code"], parse_email=False)])
    return cleaner.clean(html)


_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _external_link(attrs, new=False):
    href = attrs.get((None, "href"), "")
    match = _SCHEME.match(href)
    scheme = match.group(1).lower() if match else ""
    if new and scheme and scheme not in ALLOWED_PROTOCOLS:
        return None  # linkify knows data:, ftp:, xmpp: ... URLs; leave them as plain text
    if scheme in ("http", "https") or href.startswith("//"):
        attrs[(None, "rel")] = "nofollow noopener noreferrer"
        attrs[(None, "target")] = "_blank"
    return attrs
