"""PostgreSQL is there and keeps what the app stores: Chinese text and unique usernames."""
import os
import uuid

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from tests.conftest import REQUIRE_SERVICES

pytestmark = pytest.mark.services

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEXT = "初中数学名师网络工作室 · 王名师「教学反思」✓"


def configured_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def libpq_url(url):
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def pg_connection():
    import psycopg

    url = configured_url() or DEFAULT_URL
    try:
        connection = psycopg.connect(libpq_url(url), connect_timeout=5)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {make_url(url)!r}: {error}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    with connection:
        yield connection


def test_raw_round_trip_of_chinese_text(pg_connection):
    import psycopg

    assert pg_connection.execute("SHOW server_encoding").fetchone()[0] == "UTF8"
    table = f"probe_{uuid.uuid4().hex[:8]}"
    pg_connection.execute(f"CREATE TEMPORARY TABLE {table} "
                          "(id serial PRIMARY KEY, name varchar(64) UNIQUE NOT NULL)")
    pg_connection.execute(f"INSERT INTO {table} (name) VALUES (%s)", (TEXT,))
    assert pg_connection.execute(f"SELECT name FROM {table}").fetchone()[0] == TEXT
    # varchar(64) counts characters, not bytes: 64 Chinese characters fit.
    pg_connection.execute(f"INSERT INTO {table} (name) VALUES (%s)", ("师" * 64,))
    assert pg_connection.execute(
        f"SELECT length(name), octet_length(name) FROM {table} WHERE name LIKE '师%%'"
    ).fetchone() == (64, 192)
    with pytest.raises(psycopg.errors.UniqueViolation):
        with pg_connection.transaction():
            pg_connection.execute(f"INSERT INTO {table} (name) VALUES (%s)", (TEXT,))
    assert pg_connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 2


@pytest.mark.skipif(configured_url() is None,
                    reason="the app's models run on PostgreSQL when DATABASE_URL names it")
def test_models_round_trip_and_unique_username(pg_connection, request):
    from models import User
    from studio.extensions import db
    from tests.conftest import make_studio, make_user

    app = request.getfixturevalue("app")
    assert db.engine.dialect.name == "postgresql"
    studio = make_studio(TEXT[:10])
    make_user("wang_ming", "王明", "x" * 20, school="郑州市第一中学（高新校区）", subject="数学")
    db.session.commit()
    studio_id = studio.id
    db.session.expunge_all()

    loaded = db.session.execute(db.select(User).where(User.username == "wang_ming")).scalar_one()
    assert (loaded.name, loaded.school) == ("王明", "郑州市第一中学（高新校区）")
    assert db.session.get(type(studio), studio_id).name == TEXT[:10]
    found = db.session.execute(db.select(User).where(User.name.like("王%"))).scalars().all()
    assert [u.username for u in found] == ["wang_ming"]

    make_user("wang_ming", "另一个王明", "y" * 20)
    with pytest.raises(IntegrityError) as error:
        db.session.commit()
    assert "username" in str(error.value)
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 1
    assert app.config["SQLALCHEMY_DATABASE_URI"] == configured_url()
