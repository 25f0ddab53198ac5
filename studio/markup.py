"""Markdown to safe HTML: the ONE place that sanitizes user text.

Rendered once at save time; store ``body`` and ``body_html`` and mark only ``body_html``
safe in templates. bleach 6.4.0 is its final release: keep every call here so a switch to
nh3 is a one-module change, and keep the XSS corpus test strong.
"""
import bleach
import markdown

ALLOWED_TAGS = [
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody",
    "tr", "th", "td", "span", "sup", "sub",
]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]
EXTENSIONS = ["markdown.extensions.tables", "markdown.extensions.fenced_code",
              "markdown.extensions.sane_lists", "markdown.extensions.nl2br"]


def render_markdown(text):
    """Markdown source -> sanitized HTML (links http, https, mailto only)."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    clean = bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                         protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True)
    return bleach.linkify(clean, callbacks=[_external_link], skip_tags=["pre", "code"],
                          parse_email=False)


def _external_link(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if href.startswith(("http://", "https://")):
        attrs[(None, "rel")] = "nofollow noopener noreferrer"
        attrs[(None, "target")] = "_blank"
    return attrs
