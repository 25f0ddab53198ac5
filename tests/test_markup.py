"""Markdown from users becomes safe HTML in one place (studio.markup)."""
import re
from datetime import date, timedelta

import pytest

from studio.markup import render_markdown
from tests.coreloop import login, text


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>正文",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "<p onmouseover=\"steal()\">悬停</p>",
    "<a href=\"https://ok.example\" onclick=\"steal()\">点我</a>",
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "<a href=\"jav&#x09;ascript:alert(1)\">点我</a>",
    "[数据](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<style>body{display:none}</style>",
])
def test_dangerous_markup_is_removed(source):
    html = render_markdown(source).lower()
    assert "<script" not in html and "<iframe" not in html and "<svg" not in html
    assert "<img" not in html and "<style" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)          # no on* handler survives
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|data|vbscript):", html)
    assert "href" not in html or "https://ok.example" in html


@pytest.mark.parametrize("source, href", [
    ("[课标](https://www.moe.gov.cn/)", "https://www.moe.gov.cn/"),
    ("[旧站](http://example.cn/a?b=1)", "http://example.cn/a?b=1"),
    ("[写信](mailto:office@example.cn)", "mailto:office@example.cn"),
])
def test_http_https_and_mailto_links_are_kept(source, href):
    assert f'href="{href}"' in render_markdown(source).replace("&amp;", "&")


def test_external_links_open_safely_and_bare_urls_become_links():
    html = render_markdown("参见 https://www.example.cn 。")
    assert 'href="https://www.example.cn"' in html
    assert 'rel="nofollow noopener noreferrer"' in html and 'target="_blank"' in html


def test_ordinary_markdown_is_kept():
    html = render_markdown("## 目标\n\n**加粗** 与 *强调*\n\n- 一\n- 二\n\n`code`")
    for tag in ("<h2>目标</h2>", "<strong>加粗</strong>", "<em>强调</em>", "<li>一</li>",
                "<code>code</code>"):
        assert tag in html


def test_empty_text_renders_empty():
    assert render_markdown("") == "" and render_markdown(None) == ""


def test_a_task_description_is_shown_sanitized(client, cast):
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/tasks/new", data={
        "title": "阅读任务", "focus": "other", "deliverable": "reading_notes", "hours": "1",
        "description": "请阅读**第一章**。<script>alert('x')</script>"
                       "<img src=x onerror=alert(2)> [资料](javascript:alert(3)) "
                       "[课标](https://www.moe.gov.cn/)",
        "opens_on": date.today().isoformat(),
        "due_on": (date.today() + timedelta(days=5)).isoformat(),
        "audience": "studio"})
    assert response.status_code == 302
    login(client, cast.new_teacher)
    page = text(client.get(response.headers["Location"]))
    body = page[page.index('<div class="prose">'):]
    body = body[:body.index("</div>")]
    assert "<strong>第一章</strong>" in body
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body
    assert 'href="https://www.moe.gov.cn/"' in body
    assert "<script>alert" not in page
