"""The authorization matrix: every URL rule × every role, with the expected status.

Each entry names the rule and method, how to fill its URL parameters and form, and what each
role gets: anonymous, admin, master, backbone, new_teacher, outsider (a member of another
studio). A rule missing here makes ``test_every_rule_is_declared`` fail, so a new route must
declare who may use it. Later features add their rows to this file.
"""
ROLES = ("anonymous", "admin", "master", "backbone", "new_teacher", "outsider")


def E(anonymous, admin, master, backbone, new_teacher, outsider):
    return dict(zip(ROLES, (anonymous, admin, master, backbone, new_teacher, outsider)))


LOGIN = 302          # anonymous visitors are sent to the login page
ALL_MEMBERS = E(LOGIN, 200, 200, 200, 200, 403)
MANAGERS = E(LOGIN, 200, 200, 403, 403, 403)
MANAGERS_POST_EMPTY = E(LOGIN, 400, 400, 403, 403, 403)
ADMIN_ONLY = E(LOGIN, 200, 403, 403, 403, 403)
ADMIN_POST_EMPTY = E(LOGIN, 400, 403, 403, 403, 403)
EVERYONE_LOGGED_IN = E(LOGIN, 200, 200, 200, 200, 200)

# (rule, method): (form data or None, expected statuses)
MATRIX = {
    ("/", "GET"): (None, E(LOGIN, 302, 302, 302, 302, 302)),
    ("/healthz", "GET"): (None, E(200, 200, 200, 200, 200, 200)),
    ("/login", "GET"): (None, E(200, 302, 302, 302, 302, 302)),
    ("/login", "POST"): ({}, E(400, 302, 302, 302, 302, 302)),
    ("/logout", "POST"): ({}, E(LOGIN, 302, 302, 302, 302, 302)),
    ("/account/password", "GET"): (None, EVERYONE_LOGGED_IN),
    ("/account/password", "POST"): ({}, E(LOGIN, 400, 400, 400, 400, 400)),
    ("/language", "POST"): ({}, E(400, 400, 400, 400, 400, 400)),

    ("/studios/", "GET"): (None, EVERYONE_LOGGED_IN),
    ("/studios/<int:studio_id>/", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/roster", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/members", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/members", "POST"): ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/members/<int:user_id>/remove", "POST"):
        ({}, E(LOGIN, 302, 302, 403, 403, 403)),
    ("/studios/<int:studio_id>/groups", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/groups/assign", "POST"): ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/groups/history", "GET"): (None, MANAGERS),

    ("/admin/", "GET"): (None, ADMIN_ONLY),
    ("/admin/studios/new", "GET"): (None, ADMIN_ONLY),
    ("/admin/studios/new", "POST"): ({}, ADMIN_POST_EMPTY),
    ("/admin/studios/<int:studio_id>/edit", "GET"): (None, ADMIN_ONLY),
    ("/admin/studios/<int:studio_id>/edit", "POST"): ({"name": ""}, ADMIN_POST_EMPTY),
    ("/admin/studios/<int:studio_id>/master", "GET"): (None, ADMIN_ONLY),
    ("/admin/studios/<int:studio_id>/master", "POST"): ({}, ADMIN_POST_EMPTY),
    ("/admin/studios/<int:studio_id>/import", "GET"): (None, ADMIN_ONLY),
    ("/admin/studios/<int:studio_id>/import", "POST"): ({}, ADMIN_POST_EMPTY),
    ("/admin/studios/<int:studio_id>/import/<int:batch_id>/confirm", "POST"):
        ({}, E(LOGIN, 404, 403, 403, 403, 403)),
    ("/admin/import-template.csv", "GET"): (None, ADMIN_ONLY),
    ("/admin/users", "GET"): (None, ADMIN_ONLY),
    ("/admin/users/<int:user_id>/password", "POST"): ({}, ADMIN_POST_EMPTY),
    ("/admin/users/<int:user_id>/active", "POST"): ({}, E(LOGIN, 302, 403, 403, 403, 403)),
}

# Rules that are not pages of the application.
NOT_PAGES = {"/static/<path:filename>"}


def url_values(cast):
    """Values for URL parameters: the cast's studio, its new teacher, a batch that does not
    exist (authorization is checked before the lookup)."""
    return {"studio_id": cast.studio.id, "user_id": cast.new_teacher.id, "batch_id": 999999}
