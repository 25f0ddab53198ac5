"""Configuration from environment variables.

Every setting a deployment changes comes from the environment; nothing secret is in code.
"""
import os

BASE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
INSTANCE_DIR = os.path.join(BASE_DIR, "instance")


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")  # None: create_app keeps one in instance/
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "sqlite:///" + os.path.join(INSTANCE_DIR, "mentor_studio.db")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", os.path.join(INSTANCE_DIR, "uploads"))
    # Streamed uploads (lesson-case videos) are checked against this, in bytes.
    MAX_UPLOAD_BYTES = _int("MAX_UPLOAD_BYTES", 2 * 1024 ** 3)
    # Behind nginx: trust one proxy's X-Forwarded-For/Proto/Host (client address for limits).
    PROXY_FIX = os.environ.get("PROXY_FIX", "0") == "1"
    # Behind nginx: serve stored files with X-Accel-Redirect to this internal location.
    X_ACCEL_PREFIX = os.environ.get("X_ACCEL_PREFIX") or None
    # Ordinary forms (CSV/XLSX imports included) are refused above this size.
    MAX_FORM_BYTES = _int("MAX_FORM_BYTES", 10 * 1024 * 1024)
    # A photo of an activity's record (JPEG, PNG, WebP).
    MAX_PHOTO_BYTES = _int("MAX_PHOTO_BYTES", 8 * 1024 * 1024)

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")
    # A studio's dates ("today", due dates, chat times) are in this zone unless the studio
    # says otherwise (studio_today in studio/dates.py is the one place that reads it).
    STUDIO_TIMEZONE = os.environ.get("STUDIO_TIMEZONE", "Asia/Shanghai")
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "studio", "translations")
    LANGUAGES = {"zh_CN": "中文", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    SESSION_COOKIE_NAME = "mentor_studio_session"
    REMEMBER_COOKIE_DURATION = 0
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12

    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session: a long form is not lost

    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis is unreachable, pages keep working with per-process limits meanwhile.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute;30 per hour")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "120 per minute")
    # the calendar feed answers without a login: per address, counting unknown tokens too
    CALENDAR_FEED_LIMIT = os.environ.get("CALENDAR_FEED_LIMIT", "60 per minute")

    # Background jobs (studio/jobs.py): the RQ queue on REDIS_URL, or a thread in-process
    # when REDIS_URL is unset. JOBS_QUEUE defaults to a name derived from the database URL.
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE") or None
    JOB_TIMEOUT = _int("JOB_TIMEOUT", 6 * 60 * 60)   # seconds a job may run on a worker
    JOBS_WAIT = False   # tests: wait for an in-process job before the request returns

    # Origins allowed for Socket.IO connections besides the page's own host.
    SOCKETIO_ALLOWED_ORIGINS = [o for o in os.environ.get("ALLOWED_ORIGINS", "").split(",") if o]
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")
    # Redis pub/sub channel and key prefix of this deployment. Unset: derived from the
    # database URL, so two deployments sharing one Redis never see each other's events.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL") or None
    # How fast a dropped phone connection is noticed (seconds).
    SOCKETIO_PING_INTERVAL = int(os.environ.get("SOCKETIO_PING_INTERVAL", "10"))
    SOCKETIO_PING_TIMEOUT = int(os.environ.get("SOCKETIO_PING_TIMEOUT", "10"))
    # Live discussion: messages per member (moving window, shared through Redis if set).
    CHAT_RATE_LIMIT = os.environ.get("CHAT_RATE_LIMIT", "20 per 10 seconds")
    # "typing" signals per member (the page sends one every 2 s at most); the rest are dropped.
    CHAT_TYPING_RATE_LIMIT = os.environ.get("CHAT_TYPING_RATE_LIMIT", "10 per 10 seconds")
    # Room joins per member (each page load and reconnect joins); the rest are refused.
    CHAT_JOIN_RATE_LIMIT = os.environ.get("CHAT_JOIN_RATE_LIMIT", "30 per minute")

    @classmethod
    def ratelimit_storage(cls, redis_url):
        return redis_url if redis_url else "memory://"


class TestConfig(Config):
    TESTING = True
    # Unit tests use the in-process Socket.IO and memory rate limits; the tests under
    # tests/services and the live tests build apps with REDIS_URL themselves.
    REDIS_URL = None
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    MAX_UPLOAD_BYTES = 4 * 1024 * 1024
    MAX_PHOTO_BYTES = 1024 * 1024
    JOBS_WAIT = True
