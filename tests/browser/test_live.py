"""The live discussion (在线研讨) in two real browsers: the master and teacher001 in the room of
studio 1. Messages reach both; a teacher whose network drops sees the reconnecting state, and
on coming back gets every message sent meanwhile exactly once, in order; a message written
while offline waits as pending and is delivered once after the reconnect.

Screenshots: test-artifacts/live-*.png.
"""
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

ROOM = "/studios/1/live"
CONNECTED = "已连接"
RECONNECTING = "正在重新连接"
PENDING = "发送中"
# Socket.IO notices a dropped network at once when the browser fires "offline"; without that
# event it waits for the next ping (chromium's emulation fails the pong) or, on a real silent
# drop, for ping_interval + ping_timeout = 25 + 20 s (Flask-SocketIO's defaults).
OFFLINE_DETECTED_WITHIN_MS = 60_000
# A phone whose network silently stops: the page never hears the "offline" event.
HIDE_OFFLINE_EVENT = """window.addEventListener("offline", function (e) {
  e.stopImmediatePropagation(); }, true);"""
CATCH_UP_WITHIN_MS = 20_000


@pytest.fixture
def open_room(browser, live_server):
    """open_room(username) -> (context, page): a separate browser (own cookies) in the room."""
    contexts = []

    def _open(username, init_script=None):
        context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if init_script:
            page.add_init_script(init_script)
        login(page, live_server, username)
        page.goto(live_server + ROOM)
        expect(connection(page)).to_have_text(CONNECTED)
        expect(page.locator("[data-testid=presence]")).not_to_be_empty()  # joined the room
        return context, page

    yield _open
    for context in contexts:
        context.close()


def connection(page):
    return page.locator("[data-testid=connection]")


def messages(page):
    return page.locator("[data-testid=messages]")


def send(page, text):
    composer = page.locator("[data-testid=composer]")
    composer.fill(text)
    composer.press("Enter")


def delivered(page):
    """[(seq, body)] of the delivered messages in the list, top to bottom."""
    return page.evaluate("""() => Array.from(
        document.querySelectorAll("[data-testid=messages] li[data-seq]"),
        (li) => [parseInt(li.dataset.seq, 10), li.querySelector(".body").textContent,
                 li.querySelector(".seq").textContent])""")


def seqs_of(page, text):
    return [seq for seq, body, _label in delivered(page) if body == text]


def wait_delivered(page, texts, timeout_ms=10_000):
    """Wait until every text is delivered (has a sequence number) on the page."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        bodies = [body for _seq, body, _label in delivered(page)]
        missing = [t for t in texts if t not in bodies]
        if not missing:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not delivered within {timeout_ms} ms: {missing}; "
                                 f"the list holds {delivered(page)[-10:]}")
        page.wait_for_timeout(200)


def assert_once_in_order(page, texts):
    rows = delivered(page)
    seqs = [seq for seq, _body, _label in rows]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), f"list out of order: {rows}"
    for seq, _body, label in rows:
        assert label == f"#{seq}", (seq, label)
    found = []
    for text in texts:
        hits = seqs_of(page, text)
        assert len(hits) == 1, f"{text!r} shown {len(hits)} times: {rows[-10:]}"
        found.append(hits[0])
    assert found == sorted(found), f"out of order: {list(zip(texts, found))}"
    return found


def go_offline(context, page, step):
    started = time.monotonic()
    context.set_offline(True)
    expect(connection(page)).to_contain_text(RECONNECTING, timeout=OFFLINE_DETECTED_WITHIN_MS)
    took = time.monotonic() - started
    shot(page, f"{step}-offline")
    print(f"offline noticed after {took:.1f} s")
    return took


def test_two_members_talk_and_a_reconnecting_teacher_catches_up(open_room):
    tag = uuid.uuid4().hex[:6]
    master_ctx, master = open_room("master")
    teacher_ctx, teacher = open_room("teacher001")
    shot(master, "live-1-master-connected")
    shot(teacher, "live-1-teacher-connected")

    hello, reply = f"各位老师好，今天研讨分层作业 {tag}", f"王老师好，我先说说七年级 {tag}"
    send(master, hello)
    wait_delivered(master, [hello])
    send(teacher, reply)
    for page in (master, teacher):
        wait_delivered(page, [hello, reply])
        assert_once_in_order(page, [hello, reply])
    shot(master, "live-2-master-both-messages")
    shot(teacher, "live-2-teacher-both-messages")

    took = go_offline(teacher_ctx, teacher, "live-3-teacher")
    assert took < OFFLINE_DETECTED_WITHIN_MS / 1000

    missed = [f"第{i}条：离线期间的消息 {tag}" for i in (1, 2, 3)]
    for text in missed:
        send(master, text)
    wait_delivered(master, missed)
    sent_seqs = assert_once_in_order(master, missed)
    assert sent_seqs == list(range(sent_seqs[0], sent_seqs[0] + 3))
    shot(master, "live-4-master-sent-three")
    # The offline teacher has not got them.
    assert all(not seqs_of(teacher, text) for text in missed)

    teacher_ctx.set_offline(False)
    started = time.monotonic()
    wait_delivered(teacher, missed, timeout_ms=CATCH_UP_WITHIN_MS)
    print(f"caught up {time.monotonic() - started:.1f} s after coming back online")
    expect(connection(teacher)).to_have_text(CONNECTED)
    teacher.wait_for_timeout(1500)  # a late duplicate (broadcast + sync) would show by now
    assert assert_once_in_order(teacher, [hello, reply] + missed)[2:] == sent_seqs
    shot(teacher, "live-5-teacher-caught-up")


def test_a_message_written_offline_is_delivered_once_after_reconnect(open_room):
    tag = uuid.uuid4().hex[:6]
    master_ctx, master = open_room("master")
    teacher_ctx, teacher = open_room("teacher001")

    go_offline(teacher_ctx, teacher, "live-6-teacher")
    text = f"我这边网络断了，这条先写好 {tag}"
    send(teacher, text)
    pending = teacher.locator("[data-testid=messages] li.pending", has_text=text)
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(PENDING)
    shot(teacher, "live-7-teacher-pending")
    master.wait_for_timeout(1500)
    assert seqs_of(master, text) == []

    teacher_ctx.set_offline(False)
    wait_delivered(master, [text], timeout_ms=CATCH_UP_WITHIN_MS)
    wait_delivered(teacher, [text], timeout_ms=CATCH_UP_WITHIN_MS)
    expect(pending).to_have_count(0)
    expect(connection(teacher)).to_have_text(CONNECTED)
    master.wait_for_timeout(2000)  # a re-send must not show up twice
    (seq,) = assert_once_in_order(master, [text])
    assert assert_once_in_order(teacher, [text]) == [seq]
    assert teacher.locator("[data-testid=messages] li", has_text=text).count() == 1
    shot(master, "live-8-master-got-it-once")
    shot(teacher, "live-8-teacher-delivered")


def test_a_silent_network_drop_is_noticed_and_nothing_is_lost(open_room):
    """No "offline" event (a tunnel, a dead Wi-Fi): the socket still looks connected, so a
    message written now goes out into the void; the ping notices the drop, and after the
    reconnect the message is delivered exactly once and the missed ones are fetched."""
    tag = uuid.uuid4().hex[:6]
    master_ctx, master = open_room("master")
    teacher_ctx, teacher = open_room("teacher001", init_script=HIDE_OFFLINE_EVENT)

    started = time.monotonic()
    teacher_ctx.set_offline(True)
    lost = f"隧道里写的一条 {tag}"
    send(teacher, lost)
    expect(teacher.locator("li.pending", has_text=lost)).to_have_count(1)
    print("state right after the drop:", connection(teacher).inner_text())  # still 已连接
    shot(teacher, "live-9-teacher-silent-drop")
    missed = f"掉线期间王老师的话 {tag}"
    send(master, missed)
    wait_delivered(master, [missed])

    expect(connection(teacher)).to_contain_text(RECONNECTING, timeout=OFFLINE_DETECTED_WITHIN_MS)
    print(f"silent drop noticed after {time.monotonic() - started:.1f} s")
    shot(teacher, "live-10-teacher-silent-drop-noticed")
    teacher_ctx.set_offline(False)
    wait_delivered(teacher, [missed, lost], timeout_ms=CATCH_UP_WITHIN_MS)
    wait_delivered(master, [lost], timeout_ms=CATCH_UP_WITHIN_MS)
    teacher.wait_for_timeout(2000)
    for page in (master, teacher):
        assert_once_in_order(page, [missed, lost])
    expect(teacher.locator("li.pending")).to_have_count(0)
    shot(teacher, "live-11-teacher-after-silent-drop")
    shot(master, "live-11-master-after-silent-drop")
