"""Peak memory of building a training archive with a large recording in it (run by hand).

Builds a studio in a temporary SQLite database with one approved lesson case whose recording
is a sparse file of SIZE MB (no disk space used), then builds the archive with recordings
twice: with a 1 MB recording and with the large one. Reports Python's peak allocation
(tracemalloc) during each build and the process's peak RSS. The two peaks should be equal:
the recording is copied into the ZIP in 1 MB chunks, never read whole.

    .venv/bin/python bench/archive_memory.py            # 200 MB recording
    .venv/bin/python bench/archive_memory.py --size 2100  # past 2 GB: a ZIP64 entry
"""
import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
sys.path.insert(0, ROOT)

from studio import create_app  # noqa: E402
from studio.config import TestConfig  # noqa: E402
from studio.extensions import db  # noqa: E402

MB = 1024 * 1024


def setup(app):
    from models import CaseVersion, LessonCase, Membership, StoredFile, Studio, User
    db.create_all()
    studio = Studio(name="初中数学名师网络工作室", subject="数学", school_stage="junior",
                    region="河南省郑州市", status="active")
    master = User(username="master", name="王名师", password_hash="x")
    db.session.add_all([studio, master, Membership(studio=studio, user=master, role="master")])
    db.session.flush()
    case = LessonCase(studio=studio, author_id=master.id, title="行程问题", state="approved")
    db.session.add(case)
    db.session.flush()
    video = StoredFile(sha256="ab" * 32, size=0, mimetype="video/mp4", original_name="实录.mp4",
                       uploaded_by_id=master.id)
    db.session.add(CaseVersion(case_id=case.id, number=1, recording_file=video,
                               submitted_at=case.created_at))
    db.session.commit()
    return master, studio, video


def recording(app, video, size):
    path = os.path.join(app.config["UPLOAD_DIR"], video.relative_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b"\x00\x00\x00\x18ftypmp42")
        handle.truncate(size)          # sparse: reads as zeros, takes no disk
    video.size = size
    db.session.commit()


def build(app, master, studio):
    from studio import jobs
    from models import Job
    job = jobs.create("archive", master, studio, recordings=True)
    db.session.commit()
    tracemalloc.start()
    started = time.perf_counter()
    jobs.enqueue("archive", job.id)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert done.state == "done", done.message
    return peak, took, done.result_file.size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=200, help="recording size in MB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = type("BenchConfig", (TestConfig,), {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "UPLOAD_DIR": tmp})
        app = create_app(config)
        with app.app_context():
            master, studio, video = setup(app)
            for size in (MB, args.size * MB):
                recording(app, video, size)
                peak, took, zipped = build(app, master, studio)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(f"recording {size / MB:7.0f} MB: archive {zipped / MB:7.1f} MB in "
                      f"{took:5.1f} s, tracemalloc peak {peak / MB:5.1f} MB, "
                      f"process peak RSS {rss:6.1f} MB")


if __name__ == "__main__":
    main()
