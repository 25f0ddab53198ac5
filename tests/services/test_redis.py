"""Redis is there, and the login rate limit keeps its counters in it."""
import os
import uuid

import pytest

from studio.extensions import limiter
from tests.conftest import REQUIRE_SERVICES, make_app

pytestmark = pytest.mark.services

DEFAULT_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_url():
    import redis

    url = os.environ.get("REDIS_URL") or DEFAULT_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {url}: {error}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
def connection(redis_url):
    import redis
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def test_set_get_round_trip(connection):
    key = f"mentor-studio:test:{uuid.uuid4().hex}"
    try:
        assert connection.set(key, "工作室", ex=60)
        assert connection.get(key) == "工作室"
        assert 0 < connection.ttl(key) <= 60
    finally:
        connection.delete(key)
    assert connection.get(key) is None


def test_login_limiter_counts_in_redis(redis_url, connection, tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/unused.db", tmp_path / "uploads",
                   RATELIMIT_ENABLED=True, REDIS_URL=redis_url)
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    username = f"probe_{uuid.uuid4().hex[:8]}"
    with app.app_context():
        assert type(limiter.storage).__name__ == "RedisStorage"
        limiter.reset()
        try:
            client = app.test_client()
            # An incomplete form is refused before the database is asked, but still counted.
            for attempt in range(3):
                response = client.post("/login", data={"username": username})
                assert response.status_code == 400
            keys = list(connection.scan_iter(match=f"LIMITS:*{username}*"))
            assert keys, "no rate-limit counter for this username in Redis"
            assert max(int(connection.get(k) or 0) for k in keys) == 3
        finally:
            limiter.reset()
        assert not list(connection.scan_iter(match=f"LIMITS:*{username}*"))


def test_healthz_checks_redis_when_configured(redis_url, app, client):
    app.config["REDIS_URL"] = redis_url  # read by /healthz on each request
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["redis"] == "ok" and response.get_json()["database"] == "ok"
