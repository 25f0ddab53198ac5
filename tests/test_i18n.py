"""The interface speaks Chinese by default, every string has a Chinese translation, and each
person can switch to English (kept on their account, or in the session before login)."""
import os
import re
from html.parser import HTMLParser

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import g

from models import User
from studio.config import BASE_DIR
from studio.extensions import db
from tests.conftest import login

CATALOG_DIR = os.path.join(BASE_DIR, "studio", "translations", "zh_Hans_CN", "LC_MESSAGES")
PO_PATH = os.path.join(CATALOG_DIR, "messages.po")
MO_PATH = os.path.join(CATALOG_DIR, "messages.mo")
CJK = re.compile(r"[\u4e00-\u9fff]")


def load_catalog():
    with open(PO_PATH, "rb") as handle:
        return read_po(handle, locale="zh_CN")


def msgid_key(message_id):
    return message_id[0] if isinstance(message_id, (list, tuple)) else message_id


def source_msgids():
    """What ``make extract-messages`` extracts: babel.cfg's method map, keyword ``_l`` added."""
    with open(os.path.join(BASE_DIR, "babel.cfg")) as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            BASE_DIR, method_map, options_map, keywords=keywords):
        found.setdefault(msgid_key(message), filename)
    return found


def translation(msgid):
    return load_catalog()[msgid].string


@pytest.fixture
def compiled_catalog():
    """Pages are translated from the compiled .mo, which ``make translations`` builds."""
    assert os.path.exists(MO_PATH) and os.path.getmtime(MO_PATH) >= os.path.getmtime(PO_PATH), (
        "the zh_CN catalog is not compiled or is older than messages.po: run `make translations`")


def _forget_previous_request():
    for name in list(g):
        g.pop(name)


@pytest.fixture
def fresh_g(app):
    """Give every request an empty ``g``, as in production. The ``app`` fixture keeps one
    application context open for the whole test, and both Flask-Babel (the locale and its
    translations) and Flask-Login (the current user) cache per request in that context's
    ``g``: without this, a test's first request would fix the language and the user of all
    the following ones, whichever client sends them."""
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_request)


def home_url(cast):
    return f"/studios/{cast.studio.id}/"


# --- the catalog -------------------------------------------------------------------------------

def test_every_catalog_entry_is_translated():
    catalog = load_catalog()
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    untranslated, fuzzy, placeholders = [], [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(s and s.strip() for s in strings):
            untranslated.append(msgid_key(message.id))
        if message.fuzzy:
            fuzzy.append(msgid_key(message.id))
        wanted = sorted(re.findall(r"%\(\w+\)s", msgid_key(message.id)))
        if any(sorted(re.findall(r"%\(\w+\)s", s)) != wanted for s in strings):
            placeholders.append(msgid_key(message.id))
    assert not untranslated, f"translate these in {PO_PATH}: {untranslated}"
    assert not fuzzy, f"these translations are marked fuzzy: {fuzzy}"
    assert not placeholders, f"these translations lose or add a %(name)s placeholder: {placeholders}"


def test_catalog_is_up_to_date_with_the_sources():
    catalog = load_catalog()
    translated = {msgid_key(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    missing = {msgid: path for msgid, path in source_msgids().items() if msgid not in translated}
    assert not missing, (
        "strings without a Chinese translation; run `make extract-messages` and translate them "
        "in messages.po:\n" + "\n".join(f"  {path}: {msgid!r}" for msgid, path in
                                         sorted(missing.items(), key=lambda kv: kv[1])))


# --- Chinese by default --------------------------------------------------------------------------

def test_login_page_is_chinese_by_default(client, compiled_catalog, fresh_g):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "登录" in page
    assert translation("Mentor Studio") in page
    assert "Log in to your studio" not in page
    assert 'data-testid="lang-en"' in page  # the way to English is offered


class VisibleText(HTMLParser):
    """Text a person reads on the page: text nodes and placeholder/title/aria-label values."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def english_words(page, allowed):
    parser = VisibleText()
    parser.feed(page)
    words = set()
    for part in parser.parts:
        words.update(w for w in re.findall(r"[A-Za-z][A-Za-z0-9_'-]*", part) if w not in allowed)
    return words


@pytest.mark.parametrize("who,url", [
    ("master", "/studios/{studio}/"),
    ("master", "/studios/{studio}/roster"),
    ("master", "/studios/{studio}/members"),
    ("master", "/studios/{studio}/groups"),
    ("master", "/studios/{studio}/groups/history"),
    ("backbone", "/studios/{studio}/"),
    ("new_teacher", "/studios/{studio}/"),
    ("new_teacher", "/account/password"),
    ("admin", "/admin/"),
    ("admin", "/admin/users"),
    ("admin", "/admin/studios/new"),
    ("admin", "/admin/studios/{studio}/master"),
    ("admin", "/studios/{studio}/"),
])
def test_pages_show_no_english_in_chinese(client, cast, compiled_catalog, fresh_g, who, url):
    login(client, getattr(cast, who))
    response = client.get(url.format(studio=cast.studio.id))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    usernames = {u.username for u in db.session.execute(db.select(User)).scalars()}
    allowed = usernames | {"English", "CSV", "XLSX", "MB"}
    assert not english_words(page, allowed), (
        f"{url} as {who} shows English words in the Chinese interface; wrap the text in _() "
        f"and translate it")


# --- switching language --------------------------------------------------------------------------

def test_member_switches_to_english_and_the_choice_is_kept(app, client, cast, compiled_catalog, fresh_g):
    login(client, cast.master)
    chinese = client.get(home_url(cast)).get_data(as_text=True)
    assert translation("Studio home") in chinese

    response = client.post("/language", data={"locale": "en", "next": home_url(cast)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(home_url(cast))
    page = client.get(home_url(cast)).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Studio home" in page and "Roster" in page
    assert translation("Studio home") not in page

    master = db.session.get(User, cast.master.id)
    db.session.refresh(master)
    assert master.locale == "en"

    # A new browser, a new login: still English, from the account, not the old session.
    other_browser = login(app.test_client(), master)
    page = other_browser.get(home_url(cast)).get_data(as_text=True)
    assert '<html lang="en">' in page and "Studio home" in page

    other_browser.post("/language", data={"locale": "zh_CN"})
    page = other_browser.get(home_url(cast)).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert translation("Studio home") in page and "Studio home" not in page
    db.session.refresh(master)
    assert master.locale == "zh_CN"


def test_anonymous_visitor_switches_login_page_to_english(client, compiled_catalog, fresh_g):
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    with client.session_transaction() as session:
        assert session["locale"] == "en"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in to your studio" in page
    assert translation("Log in to your studio") not in page


def test_other_people_keep_chinese(app, client, cast, compiled_catalog, fresh_g):
    login(client, cast.master)
    client.post("/language", data={"locale": "en"})
    page = login(app.test_client(), cast.backbone).get(home_url(cast)).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and translation("Studio home") in page


def test_unknown_locale_is_refused_in_chinese(client, cast, compiled_catalog, fresh_g):
    response = client.post("/language", data={"locale": "fr"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    message = translation("This language is not available.")
    assert CJK.search(message)
    assert message in page
    assert "This language is not available." not in page
    with client.session_transaction() as session:
        assert "locale" not in session
