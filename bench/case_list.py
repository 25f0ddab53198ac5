"""Time the lesson-case list (GET /studios/<id>/cases) of a full studio (run by hand).

Builds a studio at the sizes DOMAIN.md allows: 1 master, 10 backbone teachers, 100 new
teachers in 10 mentor groups, and 1,000 lesson cases (each with its version) spread over
authors, kinds and states, inserted with bulk inserts. Then renders the list with the
Flask test client N times as the master, a backbone (a mentor) and a new teacher, and
reports the median and 90th-percentile time and the SQL queries per request.

    .venv/bin/python bench/case_list.py                 # temporary SQLite database
    DATABASE_URL=postgresql+psycopg:///postgres?host=/var/run/postgresql \\
        .venv/bin/python bench/case_list.py             # SQLite, then PostgreSQL

With PostgreSQL the tables are created in a new schema (``bench_<random>``) of the named
database and the schema is dropped at the end; nothing else in the database is touched.
"""
import argparse
import math
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta

from sqlalchemy import create_engine, event, insert, text
from werkzeug.security import generate_password_hash

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
sys.path.insert(0, ROOT)

from studio import create_app  # noqa: E402
from studio.config import Config  # noqa: E402
from studio.extensions import db  # noqa: E402

STATES = ("draft", "submitted", "in_review", "changes_requested", "resubmitted", "approved",
          "recommended")
BACKBONES, PER_GROUP, CASES = 10, 10, 1000


def make_app(url, upload_dir, engine_options=None):
    config = type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **(engine_options or {})},
        "UPLOAD_DIR": upload_dir,
        "SECRET_KEY": "bench-" + secrets.token_hex(16),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "TESTING": False,
    })
    return create_app(config)


def build_studio(rng):
    """Insert the studio with bulk inserts; returns (studio_id, {role: username})."""
    from models import (CaseVersion, LessonCase, MentorGroup, MentorGroupMember, Membership,
                        Studio, User)

    now = datetime(2026, 11, 23, 8, 0, 0)
    password_hash = generate_password_hash("bench-password", method="scrypt")
    db.session.execute(insert(Studio), [dict(
        id=1, name="初中数学名师网络工作室（基准）", subject="数学", school_stage="junior",
        status="active", max_backbone=10, min_new_teachers=50,
        max_new_teachers=100, hours_target_new_teacher=50, hours_target_backbone=60,
        created_at=now)])

    users, memberships = [], []

    def person(user_id, username, role):
        users.append(dict(
            id=user_id, username=username, name=f"教师{user_id:03d}", password_hash=password_hash,
            school="郑州市第一中学", subject="数学", phone="", email="", is_admin=False,
            active=True, must_change_password=False, is_demo=False, locale=None,
            session_token=secrets.token_urlsafe(32), created_at=now, last_login_at=None))
        memberships.append(dict(studio_id=1, user_id=user_id, role=role, active=True,
                                joined_at=now, left_at=None))

    person(1, "master", "master")
    backbone_ids = list(range(2, 2 + BACKBONES))
    for number, user_id in enumerate(backbone_ids, start=1):
        person(user_id, f"backbone{number:02d}", "backbone")
    teacher_ids = list(range(2 + BACKBONES, 2 + BACKBONES + BACKBONES * PER_GROUP))
    for number, user_id in enumerate(teacher_ids, start=1):
        person(user_id, f"teacher{number:03d}", "new_teacher")
    db.session.execute(insert(User), users)
    db.session.execute(insert(Membership), memberships)
    db.session.execute(insert(MentorGroup), [
        dict(id=g, studio_id=1, mentor_id=mentor_id, created_at=now)
        for g, mentor_id in enumerate(backbone_ids, start=1)])
    mentor_of = {}
    links = []
    for index, teacher_id in enumerate(teacher_ids):
        group = index // PER_GROUP + 1
        mentor_of[teacher_id] = backbone_ids[group - 1]
        links.append(dict(group_id=group, mentee_id=teacher_id, started_at=now, ended_at=None,
                          changed_by_id=None, reason="初始分组"))
    db.session.execute(insert(MentorGroupMember), links)

    # 1,000 cases: 90% by new teachers (standard, reviewed by their mentor), 8% by backbones
    # (excellent/report, reviewed by the master), 2% by the master (practice, no reviewer).
    cases, versions = [], []
    for case_id in range(1, CASES + 1):
        pick = rng.random()
        if pick < 0.90:
            author = rng.choice(teacher_ids)
            kind, reviewer = "standard", mentor_of[author]
        elif pick < 0.98:
            author = rng.choice(backbone_ids)
            kind, reviewer = rng.choice(("excellent", "report")), 1
        else:
            author, kind, reviewer = 1, "practice", None
        state = STATES[case_id % len(STATES)]
        created = now - timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1440))
        updated = created + timedelta(days=rng.randint(0, 30))
        submitted = None if state == "draft" else created + timedelta(hours=2)
        cases.append(dict(
            id=case_id, studio_id=1, author_id=author,
            reviewer_id=None if state == "draft" else reviewer, assignment_id=None, kind=kind,
            title=f"一元一次方程的应用——行程问题（第{case_id}号课例）", subject="数学",
            grade="七年级", topic="行程问题", state=state, created_at=created, updated_at=updated,
            submitted_at=submitted))
        versions.append(dict(
            case_id=case_id, number=1, design_file_id=None, design_text="## 教学目标\n……",
            design_html="<h2>教学目标</h2><p>……</p>", recording_file_id=None,
            reflection="本节课……", reflection_html="<p>本节课……</p>", created_at=created,
            submitted_at=submitted))
    db.session.execute(insert(LessonCase), cases)
    db.session.execute(insert(CaseVersion), versions)
    db.session.commit()
    return 1, {"master": "master", "backbone": "backbone01", "new teacher": "teacher001"}


class Counter:
    """SQL statements and their time, per request."""

    def __init__(self):
        self.count, self.seconds, self._started = 0, 0.0, None

    def before(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            self.count += 1
        self._started = time.perf_counter()

    def after(self, conn, cursor, statement, *args):
        if self._started is not None:
            self.seconds += time.perf_counter() - self._started
            self._started = None


def nearest_rank(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(app, studio_id, usernames, repeat):
    """Requests are made outside any application context: inside one, the test client would
    reuse it, and Flask-Login's user cached in ``g`` would carry over from request to
    request (no user-loader query, and always the first user)."""
    from models import User

    with app.app_context():
        engine = db.engine
        tokens = {username: db.session.execute(
            db.select(User.session_token).where(User.username == username)).scalar_one()
            for username in usernames.values()}
        db.session.remove()
    rows = []
    for role, username in usernames.items():
        token = tokens[username]
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        url = f"/studios/{studio_id}/cases"
        warm = client.get(url)  # first request compiles templates and warms caches
        if warm.status_code != 200:
            raise RuntimeError(f"GET {url} as {username}: HTTP {warm.status_code}")
        times, counts, sql_times = [], [], []
        shown = warm.get_data(as_text=True).count('class="badge state-')
        for _ in range(repeat):
            counter = Counter()
            event.listen(engine, "before_cursor_execute", counter.before)
            event.listen(engine, "after_cursor_execute", counter.after)
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            event.remove(engine, "before_cursor_execute", counter.before)
            event.remove(engine, "after_cursor_execute", counter.after)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} as {username}: HTTP {response.status_code}")
            times.append(elapsed)
            counts.append(counter.count)
            sql_times.append(counter.seconds)
        rows.append(dict(role=role, username=username, shown=shown,
                         queries=(f"{min(counts)}" if min(counts) == max(counts)
                                  else f"{min(counts)}–{max(counts)}"),
                         median=statistics.median(times) * 1000,
                         p90=nearest_rank(times, 0.9) * 1000,
                         sql=statistics.median(sql_times) * 1000))
    return rows


def run(label, url, repeat, engine_options=None):
    workdir = tempfile.mkdtemp(prefix="mentor-bench-cases-")
    try:
        app = make_app(url or f"sqlite:///{workdir}/bench.db", os.path.join(workdir, "uploads"),
                       engine_options)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            studio_id, usernames = build_studio(random.Random(2026))
            built = time.perf_counter() - started
            print(f"{label}: studio built in {built:.1f} s", file=sys.stderr)
            db.session.remove()
        rows = measure(app, studio_id, usernames, repeat)
        with app.app_context():
            db.engine.dispose()
        return rows
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def postgres_schema(url):
    """A fresh schema in the PostgreSQL database; returns (engine options, drop function)."""
    schema = "bench_" + secrets.token_hex(4)
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return {"connect_args": {"options": f"-csearch_path={schema}"}}, drop


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--repeat", type=int, default=30, help="requests per role (30)")
    parser.add_argument("--postgres-only", action="store_true",
                        help="skip SQLite when DATABASE_URL names PostgreSQL")
    args = parser.parse_args()

    results = []
    pg_url = os.environ.get("DATABASE_URL", "")
    if not (args.postgres_only and pg_url.startswith("postgresql")):
        results.append(("SQLite", run("SQLite", None, args.repeat)))
    if pg_url.startswith("postgresql"):
        options, drop = postgres_schema(pg_url)
        try:
            results.append(("PostgreSQL", run("PostgreSQL", pg_url, args.repeat, options)))
        finally:
            drop()
    elif pg_url:
        print(f"DATABASE_URL {pg_url.split(':')[0]}: only PostgreSQL is benchmarked besides "
              "the temporary SQLite database", file=sys.stderr)

    print(f"{BACKBONES * PER_GROUP + BACKBONES + 1} members, {CASES} lesson cases; "
          f"{args.repeat} requests per row after one warm-up request.")
    print()
    print("| database | viewer | cases shown | queries / request | median ms | p90 ms "
          "| SQL ms (median) |")
    print("|---|---|---|---|---|---|---|")
    for database, rows in results:
        for row in rows:
            print(f"| {database} | {row['role']} ({row['username']}) | {row['shown']} | "
                  f"{row['queries']} | {row['median']:.1f} | {row['p90']:.1f} | "
                  f"{row['sql']:.1f} |")


if __name__ == "__main__":
    main()
