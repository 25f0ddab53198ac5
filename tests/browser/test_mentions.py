"""@ mentions in a real browser: typing "@" and a Chinese name opens a listbox of members (name,
school, role); a tap (phone) or the keyboard (desktop) picks one; the posted text shows the
member's name, not the username. Screenshots with the list open at 390×844 and 1366×900.
"""
import re

import pytest

from tests.browser.conftest import login, shot, studio_id_of

pytestmark = pytest.mark.browser


def member(page, base_url, studio_id, username):
    """A member's name and school, from the suggestion endpoint itself."""
    found = page.request.get(f"{base_url}/studios/{studio_id}/threads/mentions",
                             params={"q": username}).json()["members"]
    return next(m for m in found if m["username"] == username)


def test_a_phone_user_taps_a_suggested_member_and_sees_the_name_in_the_post(pages, live_server):
    page = pages({"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                 device_scale_factor=2)
    studio_id = studio_id_of(login(page, live_server, "master"))
    target = member(page, live_server, studio_id, "backbone02")
    page.goto(f"{live_server}/studios/{studio_id}/threads/new")
    page.fill("input[name=title]", "下周听课安排")
    body = page.locator("textarea[name=body]")
    body.click()
    page.keyboard.type("请 @" + target["name"][0])
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    assert body.get_attribute("aria-expanded") == "true"
    option = listbox.get_by_role("option").filter(has_text=target["name"]).first
    assert target["school"] in option.inner_text() and "骨干教师" in option.inner_text()
    shot(page, "mentions-list-390")
    option.tap()
    assert listbox.is_hidden()
    assert body.input_value() == "请 @backbone02 "
    page.keyboard.type("周三来听课。")
    page.get_by_role("button", name="发表").click()
    page.wait_for_url(re.compile(r"/threads/\d+$"))
    mention = page.locator("[data-testid=posts] .prose .mention").first
    assert mention.inner_text() == "@" + target["name"]
    assert "backbone02" not in page.locator("[data-testid=posts]").inner_text()
    shot(page, "mentions-posted-390")


def test_a_desktop_user_picks_a_member_with_the_keyboard(pages, live_server):
    page = pages({"width": 1366, "height": 900})
    studio_id = studio_id_of(login(page, live_server, "backbone01"))
    target = member(page, live_server, studio_id, "teacher003")
    page.goto(f"{live_server}/studios/{studio_id}/threads/new")
    page.fill("input[name=title]", "课后反思")
    body = page.locator("textarea[name=body]")
    body.click()
    page.keyboard.type("今天和 @" + target["name"])
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    shot(page, "mentions-list-1366")
    # Move with the arrows until the wanted member is the active option, then Enter.
    for _ in range(listbox.get_by_role("option").count()):
        active = page.locator("#" + body.get_attribute("aria-activedescendant"))
        if target["name"] in active.inner_text() and target["school"] in active.inner_text():
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert body.input_value() == "今天和 @teacher003 "
    assert body.get_attribute("aria-expanded") == "false"
    # Escape closes a list without picking anything.
    page.keyboard.type("@")
    listbox.wait_for(state="visible")
    page.keyboard.press("Escape")
    assert listbox.is_hidden() and body.input_value() == "今天和 @teacher003 @"
    page.keyboard.press("Backspace")
    page.keyboard.type("一起磨课。")
    page.keyboard.press("Tab")           # the list is closed: Tab leaves the field
    page.get_by_role("button", name="发表").click()
    page.wait_for_url(re.compile(r"/threads/\d+$"))
    assert page.locator("[data-testid=posts] .mention").first.inner_text() == "@" + target["name"]
    # The reply form of the thread page offers the same list.
    reply = page.locator("#reply textarea[name=body]")
    reply.click()
    page.keyboard.type("同意 @" + target["name"])
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    shot(page, "mentions-thread-list-1366")
    page.keyboard.press("Enter")
    assert reply.input_value() == "同意 @teacher003 "
    with page.expect_navigation():
        page.locator("#reply button[type=submit]").click()
    assert page.locator("[data-testid=posts] .mention").all_inner_texts() == [
        "@" + target["name"]] * 2
    shot(page, "mentions-posted-1366")
