"""Fixtures: a fresh app and empty database per test, a named cast of users, login helpers
and a SQL query counter.

The database is the embedded SQLite file by default, or whatever ``DATABASE_URL`` names
(CI runs the whole suite a second time against PostgreSQL that way).
"""
import os
import types
from contextlib import contextmanager

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import event, text
from werkzeug.security import generate_password_hash

from studio import create_app
from studio.config import TestConfig
from studio.extensions import db

PASSWORD = "Kaoshi-2026!"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def database_url(tmp_root):
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_root}/test.db"


@pytest.fixture(scope="session")
def _db_url(tmp_path_factory):
    return database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def _password_hash():
    return generate_password_hash(PASSWORD, method="scrypt")


@pytest.fixture(scope="session")
def _schema(_db_url, tmp_path_factory):
    """Create the tables once per run; each test then starts from empty tables."""
    app = make_app(_db_url, tmp_path_factory.mktemp("uploads"))
    with app.app_context():
        db.drop_all()
        db.create_all()
    close_pools()
    return _db_url


_APPS = []  # apps made during the current test; their connection pools close at its end


def make_app(url, upload_dir, **overrides):
    config = type("RunConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(upload_dir), **overrides})
    app = create_app(config)
    app.test_client_class = ClosingClient
    _APPS.append(app)
    return app


def close_pools():
    """Each app has its own engine; without this a run of 1,400 tests would hold hundreds of
    idle PostgreSQL connections (the server allows 100)."""
    while _APPS:
        made = _APPS.pop()
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


def empty_tables():
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f'DELETE FROM "{table}"'))
    db.session.commit()


class ClosingClient(FlaskClient):
    """Read each response whole and close it, as a WSGI server does: a file sent by
    ``send_file`` is closed then, not left to the garbage collector (a ResourceWarning).
    Close the request body too: Werkzeug encodes a large multipart body into a temporary
    file that nothing else closes."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        for sent in [*response.history, response]:
            body = sent.request.environ.get("wsgi.input")
            if body is not None:
                body.close()
        return response


class FreshRequestClient(ClosingClient):
    """The test keeps an app context open to use the database between requests; Flask then
    reuses it for each request, so ``g`` (the logged-in user, the locale, the current studio)
    would leak from one request to the next. Start every request with an empty ``g``."""

    def open(self, *args, **kwargs):
        for key in list(vars(g)):
            delattr(g, key)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(_schema, tmp_path):
    app = make_app(_schema, tmp_path / "uploads")
    app.test_client_class = FreshRequestClient
    with app.app_context():
        yield app
        db.session.rollback()
        empty_tables()
        db.session.remove()
    close_pools()


@pytest.fixture
def client(app):
    return app.test_client()


def make_user(username, name, password_hash, **fields):
    from models import User
    user = User(username=username, name=name, password_hash=password_hash, **fields)
    db.session.add(user)
    return user


def make_region(name, level, parent=None, code=None):
    """A region with its path (flushed: the path needs the id)."""
    from models import Region
    region = Region(name=name, level=level, parent=parent, code=code)
    db.session.add(region)
    db.session.flush()
    region.set_path()
    return region


def make_studio(name, **fields):
    from models import Studio
    studio = Studio(name=name, subject=fields.pop("subject", "数学"),
                    school_stage=fields.pop("school_stage", "junior"),
                    status="active", **fields)
    db.session.add(studio)
    return studio


def join(studio, user, role):
    from models import Membership
    db.session.add(Membership(studio=studio, user=user, role=role))


def mentor(studio, backbone, *mentees):
    from models import MentorGroup, MentorGroupMember
    group = MentorGroup(studio=studio, mentor=backbone)
    db.session.add(group)
    for mentee in mentees:
        db.session.add(MentorGroupMember(group=group, mentee=mentee))
    return group


@pytest.fixture
def cast(app, _password_hash):
    """The named cast: admin (the platform office); studio A (河南省郑州市金水区) with master,
    backbone and the backbone's mentee new_teacher; studio B (河南省洛阳市) whose new teacher is
    the ``outsider``; ``office`` (郑州市, oversees studio A) and ``other_office`` (洛阳市)."""
    h = _password_hash
    c = types.SimpleNamespace()
    c.admin = make_user("admin", "管理员", h, is_admin=True)
    c.province = make_region("河南省", "province", code="410000")
    c.city = make_region("郑州市", "city", c.province, code="410100")
    c.county = make_region("金水区", "county", c.city, code="410105")
    c.other_city = make_region("洛阳市", "city", c.province, code="410300")
    c.office = make_user("zz_city_office", "郑州市教育局", h, is_admin=True, region=c.city)
    c.other_office = make_user("ly_city_office", "洛阳市教育局", h, is_admin=True,
                               region=c.other_city)
    c.studio = make_studio("初中数学名师网络工作室", region_node=c.county)
    c.other_studio = make_studio("小学语文名师网络工作室", subject="语文", school_stage="primary",
                                 region_node=c.other_city)
    c.master = make_user("master", "王名师", h, school="郑州市第一中学")
    c.backbone = make_user("backbone", "李骨干", h, school="郑州市第八中学")
    c.new_teacher = make_user("new_teacher", "张新师", h, school="郑州市第二中学",
                              phone="13800000001")
    c.other_master = make_user("other_master", "赵名师", h)
    c.outsider = make_user("outsider", "陈外人", h)
    join(c.studio, c.master, "master")
    join(c.studio, c.backbone, "backbone")
    join(c.studio, c.new_teacher, "new_teacher")
    join(c.other_studio, c.other_master, "master")
    join(c.other_studio, c.outsider, "new_teacher")
    mentor(c.studio, c.backbone, c.new_teacher)
    db.session.commit()
    return c


ROLES = ("anonymous", "admin", "master", "backbone", "new_teacher", "outsider")


def login(client, user):
    """Log a test client in as ``user`` (None: stay anonymous) without the password form."""
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            session["_user_id"] = user.session_token
            session["_fresh"] = True
    return client


def login_en(client, user):
    """Log in (None: log out) and read the pages in English, for tests that check words."""
    login(client, user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def page_text(response):
    import html
    return html.unescape(response.get_data(as_text=True))


def login_with_form(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def as_role(cast, client):
    def _as(role):
        return login(client, None if role == "anonymous" else getattr(cast, role))
    return _as


class QueryCounter:
    def __init__(self):
        self.statements = []

    def __call__(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            self.statements.append(statement)

    @property
    def count(self):
        return len(self.statements)


@contextmanager
def count_queries():
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


@pytest.fixture
def queries():
    return count_queries
