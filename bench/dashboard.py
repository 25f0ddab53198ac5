"""Time the office's dashboard (GET /admin/dashboard and its XLSX export) at 1,000 studios (run
by hand, PostgreSQL only).

Builds 1,000 studios of 1 master + 10 backbone + 100 new teachers (111,000 members) in a region
tree (1 province, 10 cities, 100 counties) with a year of data: two hour entries per member, a
lesson case per new teacher and backbone (with its version; about 70% reviewed, the first review
hours to days after the submission), 8 activities, 0–4 briefings and an application round for
most studios. Rows go in with PostgreSQL COPY (well under a minute). Then requests the page and
the export as the platform office (every studio), a city office (100 studios) and, for the demo
size, the same page over a 7-studio database, and reports the SQL statements per request, the
server CPU per request (this process: the Flask app and the driver; PostgreSQL's own CPU is
apart), the wall time p50/p99 and the size of the answer.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/mentor_dash \\
        .venv/bin/python bench/dashboard.py [-n 20] [--studios 1000]

The tables are created in a new schema (``bench_<random>``) of that database, dropped at the
end; nothing else is touched.
"""
import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
sys.path.insert(0, ROOT)

from bench.case_list import Counter, make_app, postgres_schema  # noqa: E402
from studio.extensions import db  # noqa: E402

NOW = datetime(2026, 11, 30, 8, 0, 0)
STATES = ("submitted", "in_review", "changes_requested", "resubmitted", "approved", "approved",
          "approved", "recommended", "draft")
SUBJECTS = ("数学", "语文", "英语", "物理", "化学", "生物", "历史", "地理")
STAGES = ("primary", "junior", "senior", "vocational")


class Copier:
    """Rows for one table, completed with the columns' Python defaults, sent with COPY."""

    def __init__(self, model):
        self.table = model.__table__
        self.columns = None
        self.rows = []

    def add(self, **values):
        if self.columns is None:        # an id not given is left to the database's sequence
            self.columns = [c for c in self.table.columns if c.name != "id" or "id" in values]
        row = []
        for column in self.columns:
            if column.name in values:
                row.append(values[column.name])
            elif column.default is not None and column.default.is_callable:
                row.append(column.default.arg(None))
            elif column.default is not None and column.default.is_scalar:
                row.append(column.default.arg)
            else:
                row.append(None)
        self.rows.append(row)

    def send(self, raw):
        if not self.rows:
            return
        names = ", ".join(f'"{c.name}"' for c in self.columns)
        with raw.cursor() as cursor:
            with cursor.copy(f'COPY "{self.table.name}" ({names}) FROM STDIN') as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.rows = []


def regions(copiers):
    """1 province, 10 cities, 10 counties each; returns the county ids and the first city."""
    region = copiers["Region"]
    region.add(id=1, name="河南省", level="province", parent_id=None, path="/1/")
    counties = []
    for c in range(10):
        city = 2 + c
        region.add(id=city, name=f"第{c + 1}市", level="city", parent_id=1, path=f"/1/{city}/")
        for k in range(10):
            county = 100 + c * 10 + k
            region.add(id=county, name=f"第{k + 1}县", level="county", parent_id=city,
                       path=f"/1/{city}/{county}/")
            counties.append(county)
    return counties, 2


def studio_rows(copiers, studio_id, county, rng, ids, password_hash):
    c = copiers
    c["Studio"].add(id=studio_id, name=f"基准工作室{studio_id:04d}", subject=rng.choice(SUBJECTS),
                    school_stage=rng.choice(STAGES), region_id=county,
                    status="active", cycle_start=date(2026, 2, 1), created_at=NOW)
    members = []
    for n in range(111):
        uid = next(ids["user"])
        role = "master" if n == 0 else "backbone" if n <= 10 else "new_teacher"
        c["User"].add(id=uid, username=f"s{studio_id}u{n}", name=f"教师{uid}",
                      password_hash=password_hash)
        c["Membership"].add(studio_id=studio_id, user_id=uid, role=role, active=True)
        members.append((uid, role))
        if role != "master":
            for _ in range(2):
                c["HourEntry"].add(studio_id=studio_id, user_id=uid, amount=rng.randint(10, 40),
                                   source="manual", reason="基准数据", created_by_id=members[0][0])
            case_rows(copiers, studio_id, uid, members[0][0], role, rng, ids)
    for a in range(8):
        start = NOW - timedelta(days=10 + 40 * a)
        c["Activity"].add(studio_id=studio_id, host_id=members[0][0], title=f"研训活动{a}",
                          starts_at=start, ends_at=start + timedelta(hours=2), hours=2)
    for b in range(rng.randint(0, 4)):
        c["Briefing"].add(studio_id=studio_id, number=b + 1, title=f"工作简报第{b + 1}期",
                          state="published", author_id=members[0][0], published_at=NOW)
    if rng.random() < 0.7:
        c["Certification"].add(studio_id=studio_id, round_no=1, applied_by_id=members[0][0],
                               state=rng.choice(("submitted", "returned", "certified")))


def case_rows(copiers, studio_id, author, master, role, rng, ids):
    state = rng.choice(STATES)
    case_id, version_id = next(ids["case"]), next(ids["version"])
    submitted = None if state == "draft" else NOW - timedelta(days=rng.randint(5, 300))
    copiers["LessonCase"].add(id=case_id, studio_id=studio_id, author_id=author,
                              reviewer_id=master, kind="standard" if role == "new_teacher"
                              else "excellent", title=f"课例{case_id}", state=state,
                              submitted_at=submitted)
    copiers["CaseVersion"].add(id=version_id, case_id=case_id, number=1, submitted_at=submitted)
    if state not in ("draft", "submitted"):
        copiers["Review"].add(case_id=case_id, version_id=version_id, reviewer_id=master,
                              verdict="approve", learner_analysis_score=4, lesson_design_score=4,
                              teaching_delivery_score=4, reflection_score=4,
                              created_at=submitted + timedelta(hours=rng.randint(1, 240)))


def build(studios):
    """Every row of ``studios`` studios through COPY; returns the offices' user ids."""
    from werkzeug.security import generate_password_hash

    import models
    names = ("Region", "User", "Studio", "Membership", "HourEntry", "LessonCase", "CaseVersion",
             "Review", "Activity", "Briefing", "Certification")
    copiers = {name: Copier(getattr(models, name)) for name in names}
    rng = random.Random(2026)
    password_hash = generate_password_hash("bench-password", method="scrypt")
    ids = {k: iter(range(1, 10 ** 9)) for k in ("user", "case", "version")}
    counties, city = regions(copiers)
    platform, city_office = next(ids["user"]), next(ids["user"])
    copiers["User"].add(id=platform, username="office", name="省项目办", is_admin=True,
                        password_hash=password_hash)
    copiers["User"].add(id=city_office, username="city_office", name="第1市教育局", is_admin=True,
                        region_id=city, password_hash=password_hash)
    for studio_id in range(1, studios + 1):
        studio_rows(copiers, studio_id, counties[(studio_id - 1) % len(counties)], rng, ids,
                    password_hash)
    raw = db.engine.raw_connection()
    try:
        for name in names:
            copiers[name].send(raw.driver_connection)
        with raw.cursor() as cursor:
            for table in ("regions", "users", "studios", "lesson_cases", "case_versions"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
            cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return {"platform office": "office", "city office": "city_office"}


def nearest_rank(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(app, username, url, repeat):
    from sqlalchemy import event

    from models import User
    with app.app_context():
        engine = db.engine
        token = db.session.execute(db.select(User.session_token)
                                   .where(User.username == username)).scalar_one()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    client.get(url)                                   # warm up: templates, caches
    walls, cpus, counts, sqls, size = [], [], [], [], 0
    for _ in range(repeat):
        counter = Counter()
        event.listen(engine, "before_cursor_execute", counter.before)
        event.listen(engine, "after_cursor_execute", counter.after)
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        event.remove(engine, "before_cursor_execute", counter.before)
        event.remove(engine, "after_cursor_execute", counter.after)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(counter.count)
        sqls.append(counter.seconds)
        size = len(response.data)
    return dict(statements=f"{min(counts)}" + ("" if min(counts) == max(counts)
                                               else f"–{max(counts)}"),
                cpu=statistics.median(cpus) * 1000, p50=statistics.median(walls) * 1000,
                p99=nearest_rank(walls, 0.99) * 1000, sql=statistics.median(sqls) * 1000,
                kb=size / 1024)


def run(url, studios, repeat):
    options, drop = postgres_schema(url)
    try:
        app = make_app(url, "/tmp/mentor-bench-dashboard-uploads", options)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            offices = build(studios)
            print(f"{studios} studios built in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            db.session.remove()
        rows = []
        for who, username in offices.items():
            for path in ("/admin/dashboard", "/admin/dashboard/export.xlsx"):
                rows.append((studios, who, path, measure(app, username, path, repeat)))
        with app.app_context():
            db.engine.dispose()
        return rows
    finally:
        drop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--repeat", type=int, default=20, help="requests per row (20)")
    parser.add_argument("--studios", type=int, default=1000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (the benchmark uses COPY)")
    rows = run(url, 7, args.repeat) + run(url, args.studios, args.repeat)
    print("| studios | office | path | statements | server CPU ms | p50 ms | p99 ms | SQL ms "
          "| KiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for studios, who, path, r in rows:
        print(f"| {studios} | {who} | {path} | {r['statements']} | {r['cpu']:.0f} | "
              f"{r['p50']:.0f} | {r['p99']:.0f} | {r['sql']:.0f} | {r['kb']:.0f} |")


if __name__ == "__main__":
    main()
