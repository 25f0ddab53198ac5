"""The XSS corpus against studio.markup.render_markdown, the one sanitizer of user text.

For every payload the output is parsed as a browser would (html5lib, inside the page's
``<div class="prose">``), serialized and parsed once more to catch mutations, and checked:
only the allowed elements and attributes, no event handler, no script-capable URL.
"""
import re

import pytest

try:
    import html5lib
except ImportError:  # bleach ships its own copy (bleach._vendor.html5lib)
    from bleach._vendor import html5lib

from studio.markup import ALLOWED_TAGS, render_markdown, show_mentions
from tests.xss_payloads import PAYLOADS

FORBIDDEN_ELEMENTS = {"script", "style", "iframe", "frame", "frameset", "object", "embed",
                      "applet", "svg", "math", "form", "button", "input", "base", "meta", "link",
                      "img", "noscript", "template", "textarea", "title", "xmp", "noembed",
                      "noframes", "plaintext", "select", "video", "audio", "source", "isindex"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background",
                  "dynsrc", "lowsrc", "poster", "srcdoc", "cite", "codebase", "ping"}
ALLOWED_ATTRIBUTES = {"href", "title", "align", "rel", "target"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def local(name):
    """'{namespace}svg' -> 'svg'; (namespace, 'href') -> 'href'."""
    if isinstance(name, tuple):
        name = name[1]
    return name.split("}")[-1].lower()


def parse(fragment):
    return html5lib.parseFragment(fragment, container="div", treebuilder="etree",
                                  namespaceHTMLElements=False)


def serialize(tree):
    return html5lib.serialize(tree, tree="etree", omit_optional_tags=False,
                              quote_attr_values="always")


def problems(fragment):
    """Everything executable (or beyond the allowed markup) in an HTML fragment."""
    found = []
    for element in parse(fragment).iter():
        if not isinstance(element.tag, str):      # comments, processing instructions
            if element.tag is not None:
                found.append(f"comment-like node {element.tag!r}")
            continue
        tag = local(element.tag)
        if tag == "documentfragment" or tag.startswith("document"):
            continue
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}> element")
        elif tag not in ALLOWED_TAGS:
            found.append(f"<{tag}> is not an allowed element")
        for raw_name, value in element.attrib.items():
            name = local(raw_name)
            if name.startswith("on"):
                found.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                found.append(f"style= on <{tag}>")
            if name not in ALLOWED_ATTRIBUTES:
                found.append(f"attribute {name}= on <{tag}>")
            if name in URL_ATTRIBUTES or name.endswith("href"):
                # The parser has decoded character references already, as a browser does;
                # a browser also ignores spaces and control characters in the scheme.
                url = CONTROL_AND_SPACE.sub("", value).lower()
                if url.startswith(BAD_SCHEMES):
                    found.append(f"{name}={value!r} on <{tag}>")
    return found


def check(output):
    """The rendered output, and the output after one more parse/serialize round (what a
    browser would make of it if the HTML were re-inserted somewhere), are both inert."""
    first = problems(output)
    assert not first, first
    reserialized = serialize(parse(output))
    second = problems(reserialized)
    assert not second, (second, reserialized)
    # The markup is stable: a second round changes nothing (no mutation).
    assert serialize(parse(reserialized)) == reserialized
    # Nothing closes the page's <div class="prose"> around the post.
    wrapped = parse(f'<div class="prose">{output}</div><p id="after">x</p>')
    top = [local(e.tag) for e in wrapped if isinstance(e.tag, str)]
    assert top == ["div", "p"], top


def test_the_corpus_is_large_and_has_no_duplicates():
    assert len(PAYLOADS) >= 200
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_no_payload_renders_anything_executable(payload):
    output = render_markdown(payload)
    check(output)
    # Rendering is done once at save time; rendering the stored source again is the same.
    assert render_markdown(payload) == output


@pytest.mark.parametrize("payload", PAYLOADS[::7], ids=lambda p: str(PAYLOADS.index(p)))
def test_payloads_inside_ordinary_prose_are_inert_too(payload):
    check(render_markdown(f"## 反思\n\n今天的课**很顺利**。{payload}\n\n- 一\n- {payload}\n\n结束。"))


def test_the_checker_catches_what_it_should():
    """The checks themselves are not blind."""
    assert problems('<img src="x" onerror="alert(1)">')
    assert problems('<a href="  JaVa&#x09;Script:alert(1)">x</a>')
    assert problems('<a href="&#x64;ata:text/html,x">x</a>')
    assert problems("<svg><g/></svg>")
    assert problems("<math></math>")
    assert problems("<form></form>") and problems("<base href=/>") and problems("<meta>")
    assert problems("<link>") and problems("<style></style>") and problems("<iframe></iframe>")
    assert problems("<object></object>") and problems("<embed>") and problems("<script></script>")
    assert problems('<button formaction="javascript:alert(1)">x</button>')
    assert not problems('<p><a href="https://ok.example" rel="nofollow noopener noreferrer" '
                        'target="_blank" title="t">ok</a></p>')


# --- benign Markdown survives ------------------------------------------------------------------
def test_bold_emphasis_and_headings_survive():
    out = render_markdown("## 教学目标\n\n**加粗**、*强调*、~~删除~~ 与 `行内代码`")
    for piece in ("<h2>教学目标</h2>", "<strong>加粗</strong>", "<em>强调</em>",
                  "<code>行内代码</code>"):
        assert piece in out
    check(out)


def test_lists_survive():
    out = render_markdown("- 情境引入\n- 例题探究\n\n1. 第一步\n2. 第二步")
    assert "<ul>" in out and "<li>情境引入</li>" in out
    assert "<ol>" in out and "<li>第一步</li>" in out
    check(out)


def test_tables_survive():
    out = render_markdown("| 环节 | 时间 |\n|:---|---:|\n| 引入 | 5分钟 |\n| 探究 | 15分钟 |")
    assert "<table>" in out and "<th" in out and "<td" in out
    assert "引入" in out and "15分钟" in out
    assert 'align="right"' in out or 'align="left"' in out
    check(out)


def test_code_blocks_survive_and_show_html_as_text():
    out = render_markdown("```python\nif a < b and c > d:\n    print('<b>')\n```")
    assert "<pre><code" in out
    assert "&lt;b&gt;" in out and "<b>" not in out and "if a &lt; b and c &gt; d:" in out
    # Shown once escaped, in inline code too: a reader sees "a < b && c", not "a &lt; b".
    assert "<code>a &lt; b &amp;&amp; c</code>" in render_markdown("`a < b && c`")
    # A URL inside code is not turned into a link.
    code = render_markdown("```\nhttps://ok.example/a\n```")
    assert "<a " not in code and "https://ok.example/a" in code
    check(out)


def test_blockquotes_and_line_breaks_survive():
    out = render_markdown("> 学生说：\n> 我懂了")
    assert "<blockquote>" in out and "<br" in out
    check(out)


@pytest.mark.parametrize("source, href", [
    ("[课标](http://www.moe.gov.cn/)", "http://www.moe.gov.cn/"),
    ("[课标](https://www.moe.gov.cn/ \"教育部\")", "https://www.moe.gov.cn/"),
    ("参见 https://www.example.cn/a?b=1 。", "https://www.example.cn/a?b=1"),
    ("<https://www.example.cn/x>", "https://www.example.cn/x"),
    ("[旧站][1]\n\n[1]: http://example.cn/old", "http://example.cn/old"),
])
def test_http_links_survive_with_nofollow(source, href):
    out = render_markdown(source)
    links = [e for e in parse(out).iter() if isinstance(e.tag, str) and local(e.tag) == "a"]
    assert len(links) == 1, out
    assert links[0].get("href") == href
    assert links[0].get("rel") == "nofollow noopener noreferrer"
    assert links[0].get("target") == "_blank"
    check(out)


def test_mailto_and_relative_links_survive_without_new_tab():
    out = render_markdown("[写信](mailto:office@example.cn) [本站](/studios/1/threads)")
    assert 'href="mailto:office@example.cn"' in out and 'href="/studios/1/threads"' in out
    assert "target" not in out
    check(out)


@pytest.mark.parametrize("source", [
    "data:x.example/html;base64,PHNjcmlwdD4=", "ftp://files.example/x", "xmpp:chat.example",
])
def test_bare_urls_of_other_schemes_stay_plain_text(source):
    out = render_markdown(source)
    assert "<a" not in out and source.split(":")[0] in out


# --- mentions: a display name is user data (imports) --------------------------------------------
def mention_spans(output):
    return [e for e in parse(output).iter()
            if isinstance(e.tag, str) and local(e.tag) == "span" and e.get("class") == "mention"]


@pytest.mark.parametrize("payload", PAYLOADS[::5], ids=lambda p: str(PAYLOADS.index(p)))
def test_a_hostile_display_name_in_a_mention_is_only_text(payload):
    stored = render_markdown("请 @zhangwei 听课", {"zhangwei": 7})
    output = show_mentions(stored, {7: payload})
    spans = mention_spans(output)
    shown = "@" + payload.replace("\x00", "")      # a browser drops a NUL from text
    assert len(spans) == 1 and "".join(spans[0].itertext()) == shown
    assert list(spans[0]) == []                      # text only, no element inside
    check(str(output).replace(' class="mention"', ""))


@pytest.mark.parametrize("payload", PAYLOADS[::7], ids=lambda p: str(PAYLOADS.index(p)))
def test_payloads_around_mentions_stay_inert(payload):
    stored = render_markdown(f"{payload} @zhangwei {payload}@zhangwei", {"zhangwei": 7})
    check(str(show_mentions(stored, {7: "张伟"})).replace(' class="mention"', ""))


def test_an_authors_own_mention_span_is_not_taken_for_one():
    stored = render_markdown('<span class="mention" data-user="7">@假的</span>', {"zhangwei": 7})
    assert "data-user" not in stored and not mention_spans(show_mentions(stored, {7: "张伟"}))
