"""The authorization matrix: every URL rule × every role, with the expected status.

Each entry names the rule and method, how to fill its URL parameters and form, and what each
role gets: anonymous, admin, master, backbone, new_teacher, outsider (a member of another
studio) and other_office (the office of a region that does not hold the cast's studio: 洛阳市,
while the studio is in 郑州市金水区). A rule missing here makes ``test_every_rule_is_declared``
fail, so a new route must declare who may use it. Later features add their rows to this file.

other_office defaults (``expected_status``): for a rule about one studio (``<int:studio_id>``)
it is refused, 403, as load_studio refuses a studio outside the office's scope before anything
else; for every other rule it gets what the admin (the platform office) gets, its lists being
filtered to its scope. Pass ``other_office=`` to E() where a rule differs.
"""
from tests.briefing_factories import briefing_values  # noqa: E402

ROLES = ("anonymous", "admin", "master", "backbone", "new_teacher", "outsider", "other_office")


def E(anonymous, admin, master, backbone, new_teacher, outsider, other_office=None):
    return dict(zip(ROLES, (anonymous, admin, master, backbone, new_teacher, outsider,
                            other_office)))


def expected_status(rule, expected, role):
    """The status ``role`` should get on ``rule``, with the other_office default above."""
    if role != "other_office" or expected.get(role) is not None:
        return expected[role]
    return 403 if "<int:studio_id>" in rule else expected["admin"]


LOGIN = 302          # anonymous visitors are sent to the login page
ALL_MEMBERS = E(LOGIN, 200, 200, 200, 200, 403)
MANAGERS = E(LOGIN, 200, 200, 403, 403, 403)
MANAGERS_POST_EMPTY = E(LOGIN, 400, 400, 403, 403, 403)
ADMIN_ONLY = E(LOGIN, 200, 403, 403, 403, 403)
ADMIN_POST_EMPTY = E(LOGIN, 400, 403, 403, 403, 403)
EVERYONE_LOGGED_IN = E(LOGIN, 200, 200, 200, 200, 200)
MEMBERS_ONLY = E(LOGIN, 403, 200, 200, 200, 403)
SETTERS = E(LOGIN, 403, 200, 200, 403, 403)
SETTERS_POST_EMPTY = E(LOGIN, 403, 400, 400, 403, 403)

# issue 11, part C: the quiz's and the question banks' URL prefixes, and the office quiz
_QUIZ = "/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/quiz"
_BANK = "/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/questions"
_OFFICE_BANK = "/admin/courses/<int:course_id>/modules/<int:module_id>/questions"
_OFFICE_QUIZ = {"course_id": "office_course_id", "module_id": "office_quiz_id",
                "question_id": "office_question_id"}

# (rule, method): (form data or None, expected statuses)
MATRIX = {
    ("/", "GET"): (None, E(LOGIN, 302, 302, 302, 302, 302)),
    ("/healthz", "GET"): (None, E(200, 200, 200, 200, 200, 200)),
    ("/favicon.ico", "GET"): (None, E(200, 200, 200, 200, 200, 200)),
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

    # --- issue 11: course study (parts A library, B study, C quiz, D progress) -------------
    ("/studios/<int:studio_id>/courses", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/courses/<int:course_id>", "GET"): (None, ALL_MEMBERS),
    ("/admin/courses", "GET"): (None, ADMIN_ONLY),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>", "GET"):
        (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/quiz", "GET"):
        (None, ALL_MEMBERS, {"module_id": "quiz_id"}),
    # part C: quizzes and their question banks
    (_QUIZ + "/attempts", "POST"): ({}, E(LOGIN, 403, 409, 409, 302, 403),
                                    {"module_id": "quiz_id"}),
    (_QUIZ + "/attempts/<int:attempt_id>", "GET"): (None, E(LOGIN, 403, 403, 403, 200, 403),
                                                     {"module_id": "quiz_id"}),
    (_QUIZ + "/attempts/<int:attempt_id>/submit", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 302, 403), {"module_id": "quiz_id"}),
    (_BANK, "GET"): (None, MANAGERS, {"module_id": "quiz_id"}),
    (_BANK, "POST"): ({}, MANAGERS_POST_EMPTY, {"module_id": "quiz_id"}),
    (_BANK + "/<int:question_id>/edit", "GET"): (None, MANAGERS, {"module_id": "quiz_id"}),
    (_BANK + "/<int:question_id>/edit", "POST"): ({}, MANAGERS_POST_EMPTY,
                                                  {"module_id": "quiz_id"}),
    (_BANK + "/<int:question_id>/delete", "POST"): ({}, E(LOGIN, 302, 302, 403, 403, 403),
                                                    {"module_id": "quiz_id"}),
    (_BANK + "/import", "POST"): ({}, MANAGERS_POST_EMPTY, {"module_id": "quiz_id"}),
    (_OFFICE_BANK, "GET"): (None, E(LOGIN, 200, 403, 403, 403, 403, 403), _OFFICE_QUIZ),
    (_OFFICE_BANK, "POST"): ({}, E(LOGIN, 400, 403, 403, 403, 403, 403), _OFFICE_QUIZ),
    (_OFFICE_BANK + "/<int:question_id>/edit", "GET"):
        (None, E(LOGIN, 200, 403, 403, 403, 403, 403), _OFFICE_QUIZ),
    (_OFFICE_BANK + "/<int:question_id>/edit", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, 403), _OFFICE_QUIZ),
    (_OFFICE_BANK + "/<int:question_id>/delete", "POST"):
        ({}, E(LOGIN, 302, 403, 403, 403, 403, 403), _OFFICE_QUIZ),
    (_OFFICE_BANK + "/import", "POST"): ({}, E(LOGIN, 400, 403, 403, 403, 403, 403),
                                         _OFFICE_QUIZ),
    # end of part C
    # part D: progress (every member sees their own; the master, the office and a mentor also
    # their members'), the office's completion across its studios (other_office: its own scope)
    ("/studios/<int:studio_id>/courses/progress", "GET"): (None, ALL_MEMBERS),
    ("/admin/courses/completion", "GET"): (None, ADMIN_ONLY),
    # part B: studying a lecture or a reading. Only the learner the module is assigned to (the
    # new teacher) studies it; the others may view (the module page and its files) but not
    # report. Empty form data is not a JSON report: 400 for the learner.
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/video", "GET"):
        (None, ALL_MEMBERS, {"module_id": "lecture_id"}),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/document", "GET"):
        (None, E(LOGIN, 404, 404, 404, 404, 403), {"module_id": "reading_id"}),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/watch", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 200, 403), {"module_id": "lecture_id"}),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/watch/report",
     "POST"): ({}, E(LOGIN, 403, 403, 403, 400, 403), {"module_id": "lecture_id"}),
    # the reading was never opened: 409 with the reason
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/finish", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 409, 403), {"module_id": "reading_id"}),
    # part A: authoring a studio course (its master; the overseeing office may step in), the
    # office courses (the platform office edits its course; 洛阳市 reads it, being offered it),
    # adoption, and the media (the reading has no PDF: 404 for who may see it)
    ("/studios/<int:studio_id>/courses/new", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/courses/new", "POST"): ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/courses/<int:course_id>/edit", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/courses/<int:course_id>/edit", "POST"): ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/courses/<int:course_id>/publish", "POST"):
        ({}, E(LOGIN, 302, 302, 403, 403, 403), {"course_id": "draft_course_id"}),
    ("/studios/<int:studio_id>/courses/<int:course_id>/archive", "POST"):
        ({}, E(LOGIN, 302, 302, 403, 403, 403)),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/new", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/new", "POST"):
        ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/edit", "GET"):
        (None, MANAGERS),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/edit", "POST"):
        ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/move", "POST"):
        ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/remove", "POST"):
        ({}, E(LOGIN, 302, 302, 403, 403, 403)),
    ("/studios/<int:studio_id>/courses/<int:course_id>/adopt", "POST"):
        ({}, E(LOGIN, 302, 302, 403, 403, 403), {"course_id": "city_course_id"}),
    ("/studios/<int:studio_id>/courses/<int:course_id>/unadopt", "POST"):
        ({}, E(LOGIN, 302, 302, 403, 403, 403), {"course_id": "office_course_id"}),
    ("/admin/courses/new", "GET"): (None, ADMIN_ONLY),
    ("/admin/courses/new", "POST"): ({}, ADMIN_POST_EMPTY),
    ("/admin/courses/<int:course_id>", "GET"):
        (None, ADMIN_ONLY, {"course_id": "office_course_id"}),
    ("/admin/courses/<int:course_id>/edit", "GET"):
        (None, E(LOGIN, 200, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id"}),
    ("/admin/courses/<int:course_id>/edit", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id"}),
    ("/admin/courses/<int:course_id>/publish", "POST"):
        ({}, E(LOGIN, 302, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id"}),
    ("/admin/courses/<int:course_id>/archive", "POST"):
        ({}, E(LOGIN, 302, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id"}),
    ("/admin/courses/<int:course_id>/modules/new", "GET"):
        (None, E(LOGIN, 200, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id"}),
    ("/admin/courses/<int:course_id>/modules/new", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id"}),
    ("/admin/courses/<int:course_id>/modules/<int:module_id>/edit", "GET"):
        (None, E(LOGIN, 200, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id", "module_id": "office_module_id"}),
    ("/admin/courses/<int:course_id>/modules/<int:module_id>/edit", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id", "module_id": "office_module_id"}),
    ("/admin/courses/<int:course_id>/modules/<int:module_id>/move", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id", "module_id": "office_module_id"}),
    ("/admin/courses/<int:course_id>/modules/<int:module_id>/remove", "POST"):
        ({}, E(LOGIN, 302, 403, 403, 403, 403, other_office=403),
         {"course_id": "office_course_id", "module_id": "office_module_id"}),
    ("/admin/courses/<int:course_id>/modules/<int:module_id>/video", "GET"):
        (None, ADMIN_ONLY, {"course_id": "office_course_id", "module_id": "office_module_id"}),
    ("/admin/courses/<int:course_id>/modules/<int:module_id>/document", "GET"):
        (None, E(LOGIN, 404, 403, 403, 403, 403),
         {"course_id": "office_course_id", "module_id": "office_module_id"}),

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
    # the user is the new teacher of the cast's studio: outside the other office's scope
    ("/admin/users/<int:user_id>/password", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403)),
    ("/admin/users/<int:user_id>/active", "POST"):
        ({}, E(LOGIN, 302, 403, 403, 403, 403, other_office=403)),

    # Tasks and study hours (the task is set by the master for backbone and new teacher)
    ("/studios/<int:studio_id>/tasks", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/tasks/new", "GET"): (None, SETTERS),
    ("/studios/<int:studio_id>/tasks/new", "POST"): ({}, SETTERS_POST_EMPTY),
    ("/studios/<int:studio_id>/tasks/<int:task_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/tasks/<int:task_id>/submit", "POST"):
        ({}, E(LOGIN, 403, 403, 400, 400, 403)),
    # deciding the new teacher's hand-in: the master, the admin and the new teacher's mentor
    # (the backbone) may, but it is not handed in yet (409 with the reason); the assignee may not
    ("/studios/<int:studio_id>/tasks/<int:task_id>/assignments/<int:assignment_id>/decide", "POST"):
        ({}, E(LOGIN, 409, 409, 409, 403, 403)),
    ("/studios/<int:studio_id>/hours", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/hours/<int:user_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/hours/adjust", "POST"): ({}, E(LOGIN, 403, 400, 403, 403, 403)),
    # the register: the master and the admin, a mentor (their mentees); one record: as its page
    ("/studios/<int:studio_id>/hours/export.<any(xlsx, csv):fmt>", "GET"):
        (None, E(LOGIN, 200, 200, 200, 403, 403)),
    ("/studios/<int:studio_id>/hours/<int:user_id>/export.<any(xlsx, csv):fmt>", "GET"):
        (None, ALL_MEMBERS),

    # Lesson cases: the case is the new teacher's, submitted to the backbone (their mentor);
    # ``draft_case_id`` is a draft of the new teacher's, seen by its author alone.
    ("/studios/<int:studio_id>/cases", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/cases/new", "GET"): (None, E(LOGIN, 403, 200, 200, 200, 403)),
    ("/studios/<int:studio_id>/cases/new", "POST"): ({}, E(LOGIN, 403, 400, 400, 400, 403)),
    ("/studios/<int:studio_id>/cases/<int:case_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/cases/<int:case_id>/edit", "GET"):
        (None, E(LOGIN, 403, 403, 403, 200, 403), {"case_id": "draft_case_id"}),
    ("/studios/<int:studio_id>/cases/<int:case_id>/edit", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 400, 403), {"case_id": "draft_case_id"}),
    ("/studios/<int:studio_id>/cases/<int:case_id>/submit", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 409, 403), {"case_id": "empty_draft_id"}),
    ("/studios/<int:studio_id>/cases/<int:case_id>/review", "POST"):
        ({}, E(LOGIN, 403, 403, 400, 403, 403)),
    ("/studios/<int:studio_id>/cases/<int:case_id>/recommend", "POST"):
        ({}, E(LOGIN, 403, 409, 403, 403, 403)),     # can_recommend: the master, approved only
    ("/studios/<int:studio_id>/cases/<int:case_id>/comments", "POST"):
        ({}, E(LOGIN, 403, 403, 400, 400, 403)),
    ("/studios/<int:studio_id>/cases/<int:case_id>/files/<int:file_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/progress", "GET"): (None, ALL_MEMBERS),

    # Reflection threads: a studio thread started by the new teacher (``post_id`` is theirs)
    ("/studios/<int:studio_id>/threads", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/threads/new", "GET"): (None, MEMBERS_ONLY),
    ("/studios/<int:studio_id>/threads/new", "POST"): ({}, E(LOGIN, 403, 400, 400, 400, 403)),
    ("/studios/<int:studio_id>/threads/about/<subject_type>/<int:subject_id>", "GET"):
        (None, E(LOGIN, 302, 302, 302, 302, 403)),
    ("/studios/<int:studio_id>/threads/<int:thread_id>", "GET"): (None, ALL_MEMBERS),
    # the @ suggestions: for those who may post (the office reads threads, does not post)
    ("/studios/<int:studio_id>/threads/mentions", "GET"): (None, MEMBERS_ONLY),
    ("/studios/<int:studio_id>/threads/<int:thread_id>/reply", "POST"):
        ({}, E(LOGIN, 403, 400, 400, 400, 403)),
    ("/studios/<int:studio_id>/threads/<int:thread_id>/posts/<int:post_id>/edit", "GET"):
        (None, E(LOGIN, 403, 403, 403, 200, 403)),
    ("/studios/<int:studio_id>/threads/<int:thread_id>/posts/<int:post_id>/edit", "POST"):
        ({"body": ""}, E(LOGIN, 403, 403, 403, 400, 403)),
    ("/studios/<int:studio_id>/threads/<int:thread_id>/posts/<int:post_id>/delete", "POST"):
        ({}, E(LOGIN, 403, 400, 400, 302, 403)),

    # Live discussion
    ("/studios/<int:studio_id>/live", "GET"): (None, ALL_MEMBERS),
    # the seminars of earlier versions are online activities now: their old addresses move
    ("/studios/<int:studio_id>/seminars", "GET"):
        (None, E(LOGIN, 301, 301, 301, 301, 301, other_office=301)),
    ("/studios/<int:studio_id>/seminars/<int:seminar_id>", "GET"):
        (None, E(LOGIN, 301, 301, 301, 301, 301, other_office=301)),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/live", "GET"):
        (None, ALL_MEMBERS, {"activity_id": "online_activity_id"}),

    # Study activities: an on-site one of the master's, check-in open now, for the backbone
    # (checked in already) and the new teacher (who asked for leave).
    ("/studios/<int:studio_id>/activities", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/activities/new", "GET"): (None, SETTERS),
    ("/studios/<int:studio_id>/activities/new", "POST"): ({}, SETTERS_POST_EMPTY),
    ("/studios/<int:studio_id>/activities/<int:activity_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/reply", "POST"):
        ({}, E(LOGIN, 403, 403, 400, 400, 403)),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/leave/<int:participant_id>", "POST"):
        ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/projector", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/code", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/check-in", "GET"): (None, ALL_MEMBERS),
    # not invited (admin, master: 409), checked in already (backbone: 409), no code (400)
    ("/studios/<int:studio_id>/activities/<int:activity_id>/check-in", "POST"):
        ({}, E(LOGIN, 409, 409, 409, 400, 403)),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/attendance", "POST"):
        ({}, MANAGERS_POST_EMPTY),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/attendance/<int:attendance_id>/check-out",
     "POST"): ({}, E(LOGIN, 302, 302, 403, 403, 403)),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/attendance/<int:attendance_id>/remove",
     "POST"): ({}, MANAGERS_POST_EMPTY),
    # the record (活动纪要) of the online activity: its managers write it, a photo is served to
    # those who see the activity
    ("/studios/<int:studio_id>/activities/<int:activity_id>/record", "GET"):
        (None, MANAGERS, {"activity_id": "online_activity_id"}),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/record", "POST"):
        ({}, MANAGERS_POST_EMPTY, {"activity_id": "online_activity_id"}),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/photos/<int:photo_id>", "GET"):
        (None, ALL_MEMBERS, {"activity_id": "online_activity_id"}),
    # the online activity (started 10 minutes ago): its managers count attendance by presence
    ("/studios/<int:studio_id>/activities/<int:activity_id>/presence-share", "POST"):
        ({}, MANAGERS_POST_EMPTY, {"activity_id": "online_activity_id"}),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/count-presence", "POST"):
        ({}, E(LOGIN, 302, 302, 403, 403, 403), {"activity_id": "online_activity_id"}),

    # Collective lesson planning: the activity above is a 集体备课 hosted by the master; its
    # section ``objectives`` is assigned to the backbone and has one version. The new teacher
    # is invited, not assigned; the office reads, does not write.
    ("/studios/<int:studio_id>/activities/<int:activity_id>/plan", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/plan/<section>/assign", "POST"):
        ({}, E(LOGIN, 403, 302, 403, 403, 403)),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/plan/<section>/edit", "GET"):
        (None, E(LOGIN, 403, 200, 200, 403, 403)),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/plan/<section>/edit", "POST"):
        ({}, E(LOGIN, 403, 400, 400, 403, 403)),
    ("/studios/<int:studio_id>/activities/<int:activity_id>/plan/<section>/versions", "GET"):
        (None, ALL_MEMBERS),
    # the master's required work is a practice case (a document), not a lesson: 403
    ("/studios/<int:studio_id>/activities/<int:activity_id>/plan/use-as-case", "POST"):
        ({}, E(LOGIN, 403, 403, 302, 302, 403)),

    # Lesson observations: ``observation_id`` is the new teacher's (seen by its author, their
    # mentor, the master and the office); the master sets the targets.
    ("/studios/<int:studio_id>/observations", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/observations/new", "GET"): (None, MEMBERS_ONLY),
    ("/studios/<int:studio_id>/observations/new", "POST"): ({}, E(LOGIN, 403, 400, 400, 400, 403)),
    ("/studios/<int:studio_id>/observations/<int:observation_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/observations/<int:observation_id>/edit", "GET"):
        (None, E(LOGIN, 403, 403, 403, 200, 403)),
    ("/studios/<int:studio_id>/observations/<int:observation_id>/edit", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 400, 403)),
    ("/studios/<int:studio_id>/observations/<int:observation_id>/delete", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 302, 403)),
    ("/studios/<int:studio_id>/observations/rules", "POST"): ({}, MANAGERS_POST_EMPTY),

    # Growth plans: ``plan_id`` is the new teacher's (two versions, one evidence link); the
    # mentor and the master comment, the office reads.
    ("/studios/<int:studio_id>/plans", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/plans/mine", "GET"): (None, MEMBERS_ONLY),
    ("/studios/<int:studio_id>/plans/mine", "POST"): ({}, E(LOGIN, 403, 400, 400, 400, 403)),
    ("/studios/<int:studio_id>/plans/<int:plan_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/plans/<int:plan_id>/diff", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/plans/<int:plan_id>/comments", "POST"):
        ({}, E(LOGIN, 403, 400, 400, 403, 403)),
    ("/studios/<int:studio_id>/plans/<int:plan_id>/evidence", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 400, 403)),
    ("/studios/<int:studio_id>/plans/<int:plan_id>/evidence/<int:evidence_id>/remove", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 302, 403)),

    # Research projects: ``project_id`` is led by the backbone, the new teacher a member, at the
    # midterm stage with its opening report (``report_id``) approved; ``submitted_project_id``
    # has a report waiting for the master. The admin reads, does not edit.
    ("/studios/<int:studio_id>/projects", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/projects/new", "GET"): (None, SETTERS),
    ("/studios/<int:studio_id>/projects/new", "POST"): ({}, SETTERS_POST_EMPTY),
    ("/studios/<int:studio_id>/projects/<int:project_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/projects/<int:project_id>/edit", "GET"): (None, SETTERS),
    ("/studios/<int:studio_id>/projects/<int:project_id>/edit", "POST"): ({}, SETTERS_POST_EMPTY),
    ("/studios/<int:studio_id>/projects/<int:project_id>/reports", "POST"):
        ({}, E(LOGIN, 403, 403, 400, 400, 403)),
    ("/studios/<int:studio_id>/projects/<int:project_id>/review", "POST"):
        ({}, E(LOGIN, 403, 400, 403, 403, 403), {"project_id": "submitted_project_id"}),
    ("/studios/<int:studio_id>/projects/<int:project_id>/reports/<int:report_id>/file", "GET"):
        (None, ALL_MEMBERS),

    # The calendar: every member and the office see their own; the feed answers its secret
    # address (the new teacher's), whoever asks, logged in or not
    ("/studios/<int:studio_id>/calendar", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/calendar/subscribe", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/calendar/subscribe", "POST"): ({}, E(LOGIN, 302, 302, 302, 302, 403)),
    ("/studios/<int:studio_id>/calendar/unsubscribe", "POST"): ({}, E(LOGIN, 302, 302, 302, 302, 403)),
    ("/calendar/<token>.ics", "GET"): (None, E(200, 200, 200, 200, 200, 200)),

    ("/notifications", "GET"): (None, EVERYONE_LOGGED_IN),
    ("/notifications/read", "POST"): ({}, E(LOGIN, 302, 302, 302, 302, 302)),

    # --- issue 10: certification ---
    # the checklist and the rounds: the master and the office; applying: the master, who
    # gets 409 while a round waits (as here); deciding: the office
    ("/studios/<int:studio_id>/certification", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/certification", "POST"): ({}, E(LOGIN, 403, 409, 403, 403, 403)),
    ("/studios/<int:studio_id>/certification/<int:certification_id>", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/certification/<int:certification_id>/decide", "POST"):
        ({}, ADMIN_POST_EMPTY),
    # the certificate: members and the office, once certified (the cast's studio is not yet)
    ("/studios/<int:studio_id>/certificate", "GET"): (None, E(LOGIN, 404, 404, 404, 404, 403)),
    ("/admin/certifications", "GET"): (None, ADMIN_ONLY),
    ("/admin/programmes", "GET"): (None, ADMIN_ONLY),
    ("/admin/programmes/new", "GET"): (None, ADMIN_ONLY),
    ("/admin/programmes/new", "POST"): ({}, ADMIN_POST_EMPTY),
    # the cast's programme is the platform office's: another region's office may not touch it
    ("/admin/programmes/<int:programme_id>", "GET"):
        (None, E(LOGIN, 200, 403, 403, 403, 403, other_office=403)),
    ("/admin/programmes/<int:programme_id>", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403)),
    ("/admin/programmes/<int:programme_id>/studios", "POST"):
        ({}, E(LOGIN, 302, 403, 403, 403, 403, other_office=403)),
    # --- issue 10: annual assessment (年度考核) ---
    # ``round_id`` is an open round of the studio; ``assessment_id`` the new teacher's row in
    # it (the backbone is their mentor). The office reads; only the master decides and
    # publishes (409: not every member has a grade yet); removal needs a published 不合格.
    ("/studios/<int:studio_id>/assessment", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/assessment/open", "POST"): ({}, E(LOGIN, 403, 400, 403, 403, 403)),
    ("/studios/<int:studio_id>/assessment/<int:round_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/assessment/<int:round_id>/publish", "POST"):
        ({}, E(LOGIN, 403, 409, 403, 403, 403)),
    ("/studios/<int:studio_id>/assessment/<int:round_id>/export.xlsx", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/assessment/members/<int:assessment_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/assessment/members/<int:assessment_id>/self", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 400, 403)),
    ("/studios/<int:studio_id>/assessment/members/<int:assessment_id>/propose", "POST"):
        ({}, E(LOGIN, 403, 403, 400, 403, 403)),
    ("/studios/<int:studio_id>/assessment/members/<int:assessment_id>/decide", "POST"):
        ({}, E(LOGIN, 403, 400, 403, 403, 403)),
    ("/studios/<int:studio_id>/assessment/members/<int:assessment_id>/dismiss", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 403, 403)),
    # --- issue 10: work briefings ---
    # ``briefing_id`` is published (第1期, with picture 1 and the activity photo); the master
    # alone writes; the office (admin) reads published briefings and has its overview page
    ("/studios/<int:studio_id>/briefings", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/briefings/new", "GET"): (None, E(LOGIN, 403, 200, 403, 403, 403)),
    ("/studios/<int:studio_id>/briefings/new", "POST"): ({}, E(LOGIN, 403, 400, 403, 403, 403)),
    ("/studios/<int:studio_id>/briefings/from-data", "GET"):
        (None, E(LOGIN, 403, 200, 403, 403, 403)),
    ("/studios/<int:studio_id>/briefings/from-data", "POST"):
        ({}, E(LOGIN, 403, 400, 403, 403, 403)),
    ("/studios/<int:studio_id>/briefings/<int:briefing_id>", "GET"): (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/briefings/<int:briefing_id>/edit", "GET"):
        (None, E(LOGIN, 403, 200, 403, 403, 403)),
    ("/studios/<int:studio_id>/briefings/<int:briefing_id>/edit", "POST"):
        ({}, E(LOGIN, 403, 400, 403, 403, 403)),
    ("/studios/<int:studio_id>/briefings/<int:briefing_id>/delete", "POST"):
        ({}, E(LOGIN, 403, 302, 403, 403, 403), {"briefing_id": "draft_briefing_id"}),
    ("/studios/<int:studio_id>/briefings/<int:briefing_id>/publish", "POST"):
        ({}, E(LOGIN, 403, 302, 403, 403, 403), {"briefing_id": "draft_briefing_id"}),
    ("/studios/<int:studio_id>/briefings/<int:briefing_id>/images", "POST"):
        ({}, E(LOGIN, 403, 302, 403, 403, 403), {"briefing_id": "draft_briefing_id"}),
    ("/studios/<int:studio_id>/briefings/<int:briefing_id>/images/<int:number>", "GET"):
        (None, ALL_MEMBERS),
    ("/studios/<int:studio_id>/briefings/<int:briefing_id>/photos/<int:photo_id>", "GET"):
        (None, ALL_MEMBERS),
    ("/admin/briefings", "GET"): (None, ADMIN_ONLY),
    # --- issue 10: training archive ---
    # The master and the overseeing office export; a job (the admin's finished export) is
    # seen and downloaded by its requester, the master and the office.
    ("/studios/<int:studio_id>/archive", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/archive", "POST"): ({}, E(LOGIN, 302, 302, 403, 403, 403)),
    ("/studios/<int:studio_id>/archive/<int:job_id>/status", "GET"): (None, MANAGERS),
    ("/studios/<int:studio_id>/archive/<int:job_id>/download", "GET"): (None, MANAGERS),
    # --- issue 10: the showcase of excellent lesson cases ---
    # ``showcase_entry_id`` is published (the new teacher's case), ``showcase_file_id`` its
    # recording; ``requested_entry_id`` waits for the new teacher's consent,
    # ``consented_entry_id`` to be published; ``showcase_case_id`` is recommended with no round.
    ("/showcase/", "GET"): (None, E(200, 200, 200, 200, 200, 200)),
    ("/showcase/<int:entry_id>", "GET"):
        (None, E(200, 200, 200, 200, 200, 200), {"entry_id": "showcase_entry_id"}),
    ("/showcase/<int:entry_id>/files/<int:file_id>", "GET"):
        (None, E(200, 200, 200, 200, 200, 200),
         {"entry_id": "showcase_entry_id", "file_id": "showcase_file_id"}),
    ("/showcase/cases/<int:case_id>/request", "POST"):
        ({}, E(LOGIN, 403, 302, 403, 403, 403), {"case_id": "showcase_case_id"}),
    ("/showcase/<int:entry_id>/consent", "POST"):
        ({}, E(LOGIN, 403, 403, 404, 302, 404, other_office=404),
         {"entry_id": "requested_entry_id"}),
    ("/showcase/<int:entry_id>/withdraw", "POST"):
        ({}, E(LOGIN, 403, 403, 403, 302, 403), {"entry_id": "showcase_entry_id"}),
    ("/showcase/<int:entry_id>/publish", "POST"):
        ({}, E(LOGIN, 302, 302, 404, 403, 404, other_office=404),
         {"entry_id": "consented_entry_id"}),
    ("/showcase/<int:entry_id>/unpublish", "POST"):
        ({}, E(LOGIN, 400, 400, 403, 403, 403, other_office=403),
         {"entry_id": "showcase_entry_id"}),
    # --- issue 10: dashboard ---
    # The office's dashboard and its export: offices only, each over the studios it oversees.
    ("/admin/dashboard", "GET"): (None, ADMIN_ONLY),
    ("/admin/dashboard/export.xlsx", "GET"): (None, ADMIN_ONLY),
    # --- issue 10: regions and scoped offices ---
    # The tree: every office reads (its own part); only the platform office edits and imports.
    # ``region_id`` is 金水区, the cast's studio's county, inside 郑州市 (outside 洛阳市).
    ("/admin/regions", "GET"): (None, ADMIN_ONLY),
    ("/admin/regions", "POST"): ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403)),
    ("/admin/regions/<int:region_id>/rename", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403)),
    ("/admin/regions/<int:region_id>/move", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403)),   # a county to the top
    ("/admin/regions/<int:region_id>/delete", "POST"):
        ({}, E(LOGIN, 409, 403, 403, 403, 403, other_office=403)),   # the studio uses it
    ("/admin/regions/import", "GET"): (None, E(LOGIN, 200, 403, 403, 403, 403, other_office=403)),
    ("/admin/regions/import", "POST"):
        ({}, E(LOGIN, 400, 403, 403, 403, 403, other_office=403)),
    ("/admin/regions/import/confirm", "POST"):
        ({}, E(LOGIN, 409, 403, 403, 403, 403, other_office=403)),   # no rows: nothing to do
    ("/admin/regions/template.csv", "GET"): (None, ADMIN_ONLY),
    # office accounts: any office creates them within its scope; the empty form is refused
    ("/admin/users/offices", "POST"): ({}, ADMIN_POST_EMPTY),
    # the user (the new teacher) is no office: the platform office is refused the change (409)
    ("/admin/users/<int:user_id>/region", "POST"):
        ({"region_id": ""}, E(LOGIN, 409, 403, 403, 403, 403, other_office=403)),
}

# Rules that are not pages of the application.
NOT_PAGES = {"/static/<path:filename>"}


def url_values(cast):
    """Values for URL parameters: the cast's studio, its new teacher, a batch that does not
    exist (authorization is checked before the lookup), a task and lesson cases."""
    from studio.extensions import db
    from tests.factories import make_case, make_observation, make_plan, make_project, make_task

    task = make_task(cast.studio, cast.master, [cast.backbone, cast.new_teacher])
    case = make_case(cast.studio, cast.new_teacher, state="submitted", reviewer=cast.backbone)
    draft = make_case(cast.studio, cast.new_teacher, state="draft", title="草稿")
    empty = make_case(cast.studio, cast.new_teacher, state="draft", complete=False, title="空草稿")
    from blueprints.activities import operations as activities
    from models.thread import Post, Thread
    from tests.factories import make_activity
    thread = Thread(studio=cast.studio, author_id=cast.new_teacher.id, title="第一次上课的反思",
                    post_count=1)
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, author_id=cast.new_teacher.id, body="紧张但很充实。",
                body_html="<p>紧张但很充实。</p>")
    db.session.add(post)
    activity = make_activity(cast.studio, cast.master, [cast.backbone, cast.new_teacher])
    attendance = activities.mark_attendance(activity, cast.backbone, cast.master, "现场核对")
    leave = activities.reply(activity, cast.new_teacher, "leave", "学校监考")
    online = make_activity(cast.studio, cast.master, [cast.backbone, cast.new_teacher],
                           mode="online", title="专题研讨：作业设计", kind="seminar")
    from blueprints.activities import planning_operations as planning
    shared = planning.ensure_plan(activity)
    planning.assign_section(shared, shared.section("objectives"), cast.master, cast.backbone)
    planning.save_section(shared.section("objectives"), cast.backbone,
                          "1. 理解勾股定理\n2. 会用勾股定理计算", 0)
    observation = make_observation(cast.studio, cast.new_teacher)
    plan = make_plan(cast.studio, cast.new_teacher, versions=2)
    from models.plan import PlanEvidence
    evidence = PlanEvidence(plan_id=plan.id, goal=1, kind="observation",
                            target_id=observation.id, label="听课")
    db.session.add(evidence)
    project, waiting = make_project(cast), make_project(cast, stage="opening", state="submitted",
                                                        title="作业设计的分层研究")
    from blueprints.calendar import operations as calendar
    token = calendar.subscribe(cast.studio, cast.new_teacher)
    from studio.demo import add_photo, png_bytes
    photo = add_photo(online, cast.master, png_bytes(8, 8), "现场.png")
    from tests.factories import make_application, make_programme
    programme, application = make_programme(), make_application(cast.studio, cast.master)
    from tests.factories import make_assessment_round
    assessment_round = make_assessment_round(cast)
    from models.job import Job
    job = Job(kind="archive", studio_id=cast.studio.id, requested_by_id=cast.admin.id,
              state="done", progress=100, result_file=project.reports[0].file)
    db.session.add(job)
    showcase = _showcase_values(cast)
    courses = _course_values(cast)
    db.session.commit()
    return {"token": token, "thread_id": thread.id, "post_id": post.id, "seminar_id": online.id,
            "activity_id": activity.id, "online_activity_id": online.id,
            "participant_id": leave.id, "attendance_id": attendance.id,
            "subject_type": "task", "subject_id": task.id,
            "studio_id": cast.studio.id, "user_id": cast.new_teacher.id, "batch_id": 999999,
            "task_id": task.id, "assignment_id": task.assignments[1].id if
            task.assignments[1].user_id == cast.new_teacher.id else task.assignments[0].id,
            "case_id": case.id, "draft_case_id": draft.id, "empty_draft_id": empty.id,
            "file_id": case.latest.recording_file_id, "observation_id": observation.id,
            "plan_id": plan.id, "evidence_id": evidence.id, "fmt": "xlsx",
            "project_id": project.id, "report_id": project.reports[0].id,
            "submitted_project_id": waiting.id, "section": "objectives", "photo_id": photo.id,
            "programme_id": programme.id, "certification_id": application.id,
            "round_id": assessment_round.id,
            "assessment_id": next(a.id for a in assessment_round.assessments
                                  if a.user_id == cast.new_teacher.id),
            **briefing_values(cast, photo), "job_id": job.id, **showcase,
            "region_id": cast.county.id, **courses}


def _course_values(cast):
    """Course study (issue 11): the studio's own published course (a lecture, a reading and a
    quiz, assigned to the new teacher by a course task), a draft course, a platform office
    course adopted by the studio and a city office course offered to it but not adopted, the
    quiz's first question and an attempt of the new teacher's. Routes name their parameters
    course_id / module_id / question_id / attempt_id and pick other values with renames."""
    from tests.course_factories import (add_lecture, add_quiz, add_reading, adopt, assign_course,
                                        make_course)
    course = make_course(cast.master, studio=cast.studio, title="初中数学单元整体教学")
    lecture = add_lecture(course, cast.master, real_video=False)
    reading = add_reading(course, cast.master)
    quiz = add_quiz(course)
    draft = make_course(cast.master, studio=cast.studio, title="草稿课程", state="draft")
    draft_module = add_reading(draft, cast.master)
    office = make_course(cast.admin, title="新教师师德修养")
    office_lecture = add_lecture(office, cast.admin, real_video=False)
    office_quiz = add_quiz(office, questions=2)   # part C: the office's question bank
    adopt(cast.studio, office, cast.master)
    city = make_course(cast.office, region=cast.city, title="班级管理专题")
    city_module = add_reading(city, cast.office)
    task = assign_course(cast.studio, cast.master, [cast.new_teacher], course)
    from models.course import QuizAttempt
    attempt = QuizAttempt(module_id=quiz.id, user_id=cast.new_teacher.id,
                          studio_id=cast.studio.id, number=1,
                          question_ids=[q.id for q in quiz.questions])
    from studio.extensions import db
    db.session.add(attempt)
    db.session.flush()
    return {"course_id": course.id, "module_id": lecture.id, "lecture_id": lecture.id,
            "reading_id": reading.id, "quiz_id": quiz.id, "question_id": quiz.questions[0].id,
            "attempt_id": attempt.id, "draft_course_id": draft.id,
            "draft_module_id": draft_module.id, "office_course_id": office.id,
            "office_module_id": office_lecture.id, "city_course_id": city.id,
            "city_module_id": city_module.id, "course_task_id": task.id,
            "office_quiz_id": office_quiz.id, "office_question_id": office_quiz.questions[0].id}


def _showcase_values(cast):
    """Showcase rounds in each state a route acts on (issue 10, the showcase)."""
    from tests.factories import make_case, make_showcase_entry
    made = {}
    for key, state in (("showcase_entry_id", "published"), ("requested_entry_id", "requested"),
                       ("consented_entry_id", "consented")):
        case = make_case(cast.studio, cast.new_teacher, state="approved", reviewer=cast.backbone,
                         title=f"优秀课例 {state}")
        entry = make_showcase_entry(case, cast.master, state)
        made[key] = entry.id
        if state == "published":
            made["showcase_file_id"] = entry.version.recording_file_id
            made["entry_id"] = entry.id  # the rule's own name, for tests that do not rename
    spare = make_case(cast.studio, cast.new_teacher, state="recommended", reviewer=cast.backbone,
                      title="待展示的课例")
    made["showcase_case_id"] = spare.id
    return made
