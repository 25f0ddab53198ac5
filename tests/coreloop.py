"""Shared helpers for the core-loop tests (tasks, hours, lesson cases, uploads,
notifications): English pages, row counts, the bell, studios of a given size."""
import html
import re

from sqlalchemy import func, select

from studio.extensions import db
from tests.conftest import join, login as session_login, make_studio, make_user, mentor


def login(client, user, locale="en"):
    """Log in as ``user`` (None: log out) and read the pages in ``locale``."""
    session_login(client, user)
    with client.session_transaction() as session:
        session["locale"] = locale
    return client


def text(response):
    return html.unescape(response.get_data(as_text=True))


def count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def bell_count(client, path="/"):
    """The unread figure on the bell of the next page (0 when the badge is absent)."""
    page = text(client.get(path, follow_redirects=True))
    found = re.search(r'data-testid="bell-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


def section(page, testid, end="</section>"):
    start = page.index(f'data-testid="{testid}"')
    return page[start:page.index(end, start)]


def build_studio(password_hash, name, n_new, n_backbone=2, prefix=None):
    """A studio with a master, ``n_backbone`` mentors and ``n_new`` new teachers spread over
    their groups (users share one precomputed password hash, so this is fast)."""
    prefix = prefix or f"s{n_new}_"
    studio = make_studio(name, min_new_teachers=1, max_new_teachers=max(100, n_new))
    master = make_user(f"{prefix}master", f"{prefix}名师", password_hash)
    join(studio, master, "master")
    backbones = [make_user(f"{prefix}bb{i}", f"{prefix}骨干{i}", password_hash)
                 for i in range(n_backbone)]
    for b in backbones:
        join(studio, b, "backbone")
    news = [make_user(f"{prefix}nt{i:03d}", f"{prefix}新师{i:03d}", password_hash)
            for i in range(n_new)]
    for n in news:
        join(studio, n, "new_teacher")
    for i, b in enumerate(backbones):
        mentor(studio, b, *news[i::n_backbone])
    db.session.commit()
    return studio, master, backbones, news


def queries_on_page(client, counter, user, path):
    """SQL statements one page load of ``path`` by ``user`` runs (after a warm-up load)."""
    login(client, user)
    assert client.get(path).status_code == 200
    db.session.commit()
    with counter() as seen:
        response = client.get(path)
    assert response.status_code == 200
    db.session.commit()
    return seen.count
