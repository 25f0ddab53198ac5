"""Markdown to safe HTML: the ONE place that sanitizes user text.

Rendered once at save time; store ``body`` and ``body_html`` and mark only ``body_html``
safe in templates. bleach 6.4.0 is its final release: keep every call here so a switch to
nh3 is a one-module change, and keep the XSS corpus test strong.
"""
import re
from functools import partial

import bleach
import markdown
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup, escape

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


# Pictures are allowed only where the caller asks (work briefings), and only our own
# briefing-scoped picture addresses: no data:, no external or protocol-relative URL, nothing
# that could carry a query or another path.
IMAGE_SRC = re.compile(r"^/studios/\d{1,10}/briefings/\d{1,10}/(images|photos)/\d{1,10}$")


def _image_attribute(tag, name, value):
    if name == "src":
        return bool(IMAGE_SRC.match(value))
    return name in ("alt", "title")


# ``@username`` (usernames are 3-64 of these characters), not inside a word or an address.
MENTION = re.compile(r"(?<![A-Za-z0-9_.\-])@([A-Za-z0-9_.\-]{3,64})")


def render_markdown(text, mentions=None, images=False):
    """Markdown source -> sanitized HTML (links http, https, mailto only).

    ``mentions`` ({username: user id}) marks each ``@username`` of those users, outside
    links and code, as ``<span class="mention" data-user="<id>">@username</span>``; the
    sanitizer has already dropped every attribute of the author's own spans by then, so only
    this code writes such a span. ``show_mentions`` turns it into the name when the page is
    shown. ``images=True`` keeps ``<img>`` whose src is a briefing picture (``IMAGE_SRC``);
    any other image is dropped whole."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                             output_format="html")
    # Clean and linkify in one pass (bleach.linkify on cleaned HTML escapes the text of its
    # skip_tags a second time: `a < b` in code showed as "a &lt; b").
    tags, attributes = ALLOWED_TAGS, ALLOWED_ATTRIBUTES
    if images:
        html = _drop_foreign_images(html)
        tags, attributes = tags + ["img"], {**attributes, "img": _image_attribute}
    cleaner = bleach.Cleaner(tags=tags, attributes=attributes,
                             protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True,
                             filters=[partial(LinkifyFilter, callbacks=[_external_link],
                                              skip_tags=["pre", "code"], parse_email=False),
                                      partial(MentionFilter, mentions=mentions or {})])
    return cleaner.clean(html)


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_IMG_SRC = re.compile(r'\ssrc="([^"]*)"')


def _drop_foreign_images(html):
    """Markdown writes ``<img alt=".." src="..">``: one whose src is not ours goes entirely
    (the sanitizer would otherwise keep an ``<img>`` without a src)."""
    def keep(match):
        src = _IMG_SRC.search(match.group(0))
        return match.group(0) if src and IMAGE_SRC.match(src.group(1)) else ""
    return _IMG.sub(keep, html)


class MentionFilter(Filter):
    """Runs after the sanitizer and the linkifier: wraps known ``@username`` text in a
    mention span, except inside ``a``, ``pre`` and ``code``."""

    SKIP = {"a", "pre", "code"}

    def __init__(self, source, mentions):
        super().__init__(source)
        self.mentions = mentions

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind, name = token["type"], token.get("name")
            if kind == "StartTag" and name in self.SKIP:
                depth += 1
            elif kind == "EndTag" and name in self.SKIP:
                depth = max(depth - 1, 0)
            if kind == "Characters" and not depth and self.mentions and "@" in token["data"]:
                yield from self._split(token["data"])
            else:
                yield token

    def _split(self, text):
        pos = 0
        for match in MENTION.finditer(text):
            username = match.group(1).rstrip(".")
            user_id = self.mentions.get(username)
            if user_id is None:
                continue
            end = match.start() + 1 + len(username)
            if match.start() > pos:
                yield {"type": "Characters", "data": text[pos:match.start()]}
            yield {"type": "StartTag", "name": "span", "namespace": None,
                   "data": {(None, "class"): "mention", (None, "data-user"): str(user_id)}}
            yield {"type": "Characters", "data": "@" + username}
            yield {"type": "EndTag", "name": "span", "namespace": None}
            pos = end
        if pos < len(text):
            yield {"type": "Characters", "data": text[pos:]}


_MENTION_SPAN = re.compile(r'<span class="mention" data-user="(\d{1,10})">([^<]*)</span>')


def mentioned_ids(html):
    """The user ids of the mention spans in stored HTML."""
    return {int(m.group(1)) for m in _MENTION_SPAN.finditer(html or "")}


def show_mentions(html, labels):
    """Stored HTML -> safe HTML whose mention spans show ``labels[user id]`` (a display
    name, escaped here: names come from imports) instead of ``@username``, with no id or
    username left in the page. An unknown id keeps the text it was saved with."""
    def label(match):
        name = labels.get(int(match.group(1)))
        text = escape("@" + name) if name is not None else match.group(2)
        return f'<span class="mention">{text}</span>'
    return Markup(_MENTION_SPAN.sub(label, html or ""))


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
