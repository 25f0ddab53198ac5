"""Translated labels for the codes stored in the database (states, kinds, dimensions)."""
from flask_babel import lazy_gettext as _l

STAGE_LABELS = {"preschool": _l("Preschool"), "primary": _l("Primary school"),
                "junior": _l("Junior secondary"), "senior": _l("Senior secondary"),
                "vocational": _l("Vocational")}
STATUS_LABELS = {"preparing": _l("Being set up"), "active": _l("Running"),
                 "certified": _l("Certified"), "closed": _l("Closed")}
ROLE_LABELS = {"master": _l("Master teacher"), "backbone": _l("Backbone teacher"),
               "new_teacher": _l("New teacher")}
FOCUS_LABELS = {"learner_analysis": _l("Learner analysis"), "lesson_design": _l("Lesson design"),
                "teaching_delivery": _l("Teaching delivery"), "reflection": _l("Teaching reflection"),
                "other": _l("Other")}
DIMENSION_LABELS = {k: v for k, v in FOCUS_LABELS.items() if k != "other"}
DELIVERABLE_LABELS = {"lesson_case": _l("Lesson case"), "reflection": _l("Reflection"),
                      "reading_notes": _l("Reading notes"), "growth_plan": _l("Growth plan"),
                      "report": _l("Report"), "course": _l("Course study"),
                      "other": _l("Other")}
ASSIGNMENT_STATE_LABELS = {"assigned": _l("To do"), "submitted": _l("Handed in"),
                           "returned": _l("Returned"), "completed": _l("Completed"),
                           "overdue": _l("Overdue")}
CASE_KIND_LABELS = {"standard": _l("Standard lesson case"), "excellent": _l("Excellent lesson case"),
                    "practice": _l("Studio practice case"),
                    "report": _l("Professional-development report")}
# The parts of a case, named for its kind: a lesson's design, recording and reflection; a
# report's or a practice case's document and summary (models/case.py: parts_of).
LESSON_PART_LABELS = {"design": _l("Lesson design"), "recording": _l("Classroom recording"),
                      "reflection": _l("Teaching reflection")}
PART_LABELS = {
    "standard": LESSON_PART_LABELS, "excellent": LESSON_PART_LABELS,
    "report": {"design": _l("Report document"), "reflection": _l("Summary of the report")},
    "practice": {"design": _l("Practice case document"),
                 "reflection": _l("Summary and reflection")},
}


def part_labels(kind):
    return PART_LABELS.get(kind, LESSON_PART_LABELS)


STATE_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted"), "in_review": _l("In review"),
                "changes_requested": _l("Changes requested"), "resubmitted": _l("Resubmitted"),
                "approved": _l("Approved"), "recommended": _l("Recommended as excellent")}
VIDEO_COMMENT_KIND_LABELS = {"strength": _l("Strength"), "suggestion": _l("Suggestion"),
                             "question": _l("Question")}
AUDIENCE_LABELS = {"studio": _l("The whole studio"), "role": _l("A role"),
                   "group": _l("A mentor group"), "members": _l("Chosen members")}
ACTIVITY_KIND_LABELS = {"observation": _l("Classroom observation"),
                        "demonstration": _l("Demonstration lesson"), "seminar": _l("Seminar"),
                        "collective_planning": _l("Collective lesson planning"),
                        "problem_study": _l("Problem study"), "reading": _l("Reading exchange"),
                        "lecture": _l("Lecture")}
LESSON_PLAN_SECTION_LABELS = {"objectives": _l("Teaching objectives"),
                              "learners": _l("Learner analysis"),
                              "key_points": _l("Key and difficult points"),
                              "process": _l("Teaching process"), "board": _l("Board design"),
                              "homework": _l("Homework design")}
ACTIVITY_MODE_LABELS = {"on_site": _l("On site"), "online": _l("Online")}
REPLY_LABELS = {"none": _l("No answer yet"), "attend": _l("Attending"), "leave": _l("Leave")}
LEAVE_DECISION_LABELS = {"pending": _l("Leave requested"), "approved": _l("Leave approved"),
                         "refused": _l("Leave refused")}
CHECK_IN_METHOD_LABELS = {"code": _l("Check-in code"), "qr": _l("QR code"),
                          "manual": _l("Marked by the host"), "presence": _l("Live room")}
NOTIFICATION_LABELS = {
    "task_assigned": _l("New task"), "case_submitted": _l("A lesson case was handed in to you"),
    "review_received": _l("Review received"), "changes_requested": _l("Changes requested"),
    "case_approved": _l("Your lesson case was approved"),
    "case_recommended": _l("Your lesson case was recommended as excellent"),
    "assignment_submitted": _l("A task was handed in"), "assignment_returned": _l("Task returned"),
    "assignment_completed": _l("Task completed"), "video_comment": _l("New comment on the video"),
    "mentioned": _l("You were mentioned in a thread"),
    "task_due_soon": _l("A task is due within two days"),
    "task_overdue": _l("A task is overdue"),
    "review_waiting": _l("A lesson case has waited 5 days for your review (target: 7 days)"),
    "plan_written": _l("A growth plan was written"),
    "plan_revised": _l("A growth plan was revised"),
    "plan_commented": _l("Your growth plan has a new comment"),
    "project_report_submitted": _l("A research project report was handed in to you"),
    "project_report_approved": _l("A research project report was approved"),
    "project_report_returned": _l("A research project report was returned for revision"),
    "activity_scheduled": _l("You are invited to a study activity"),
    "plan_section_assigned": _l("A section of a shared lesson plan was assigned to you"),
    "leave_requested": _l("A member asked for leave from an activity"),
    "leave_decided": _l("Your leave request was answered"),
    "certification_applied": _l("A studio applied for certification"),
    "certification_returned": _l("The certification application was returned"),
    "certification_certified": _l("The studio has been certified"),
    "assessment_published": _l("The results of the annual assessment are published"),
    "briefing_published": _l("A work briefing was published"),
    "showcase_requested": _l("The master asks to show your lesson case publicly"),
    "showcase_consented": _l("The author agreed to show the lesson case publicly"),
    "showcase_declined": _l("The author declined to show the lesson case publicly"),
    "showcase_published": _l("A lesson case is now in the public showcase"),
    "showcase_withdrawn": _l("The author withdrew consent: the case left the showcase"),
    "showcase_unpublished": _l("Your lesson case was taken off the showcase"),
}
# Work briefings (models/briefing.py)
BRIEFING_STATE_LABELS = {"draft": _l("Draft"), "published": _l("Published")}
# The showcase of excellent lesson cases (models/showcase.py): where a publication round stands.
SHOWCASE_STATE_LABELS = {"requested": _l("Waiting for the author's consent"),
                         "declined": _l("The author declined"),
                         "consented": _l("Consent given, waiting to be published"),
                         "published": _l("Public in the showcase"),
                         "withdrawn": _l("Consent withdrawn"),
                         "unpublished": _l("Taken off the showcase")}
# Research projects (models/project.py): the stages 开题 → 中期 → 结题 and where a stage stands.
PROJECT_STAGE_LABELS = {"opening": _l("Project opening"), "midterm": _l("Midterm review"),
                        "closing": _l("Conclusion")}
PROJECT_STATE_LABELS = {"open": _l("Writing the report"), "submitted": _l("Waiting for review"),
                        "returned": _l("Returned for revision"), "finished": _l("Finished")}
# Where study hours come from (models/hours.py SOURCES), as the register and its export name them.
HOUR_SOURCE_LABELS = {"task": _l("Tasks"), "activity": _l("Activities"),
                      "observation": _l("Lesson observations"), "course": _l("Course study"),
                      "manual": _l("Adjustments"), "reversal": _l("Reversed credits")}

# Lesson observations (听课记录) and growth plans (三年成长规划)
OBSERVATION_RATING_LABELS = {"excellent": _l("Excellent"), "good": _l("Good"),
                             "fair": _l("Adequate"), "weak": _l("Needs improvement")}
TERM_LABELS = {"spring": _l("Spring term"), "autumn": _l("Autumn term")}
PLAN_SECTION_LABELS = {"situation": _l("Current situation"),
                       "goal_year1": _l("Goal for year 1"), "goal_year2": _l("Goal for year 2"),
                       "goal_year3": _l("Goal for year 3"), "measures": _l("Actions to take"),
                       "outcomes": _l("Expected results")}
# Certification (挂牌认定) rounds (models/certification.py)
CERTIFICATION_STATE_LABELS = {"submitted": _l("Waiting for the office"),
                              "returned": _l("Returned with reasons"),
                              "certified": _l("Certified")}
EVIDENCE_KIND_LABELS = {"case": _l("Lesson case"), "observation": _l("Lesson observation"),
                        "hours": _l("Study-hour entry")}

JOB_STATE_LABELS = {"queued": _l("Waiting to start"), "running": _l("Being built"),
                    "done": _l("Ready"), "failed": _l("Failed")}


# The annual assessment (models/assessment.py): 优秀 / 合格 / 基本合格 / 不合格
GRADE_LABELS = {"excellent": _l("Excellent"), "qualified": _l("Qualified"),
                "basically_qualified": _l("Basically qualified"), "unqualified": _l("Unqualified")}
ROUND_STATE_LABELS = {"open": _l("In progress"), "published": _l("Results published")}


# --- issue 10: dashboard ---
# The office's dashboard: where a studio stands with certification (its latest application;
# "none": it never applied).
CERTIFICATION_PROGRESS_LABELS = {"none": _l("Not applied"), "submitted": _l("Awaiting decision"),
                                 "returned": _l("Returned"), "certified": _l("Certified")}
REGION_LEVEL_LABELS = {"province": _l("Province"), "city": _l("City"),
                       "county": _l("County or district")}

# Online courses (models/course.py)
MODULE_KIND_LABELS = {"lecture": _l("Lecture video"), "reading": _l("Reading"), "quiz": _l("Quiz")}
COURSE_STATE_LABELS = {"draft": _l("Draft"), "published": _l("Published"),
                       "archived": _l("Archived")}


def all_labels():
    return dict(module_kind_labels=MODULE_KIND_LABELS, course_state_labels=COURSE_STATE_LABELS,
                role_labels=ROLE_LABELS, focus_labels=FOCUS_LABELS,
                dimension_labels=DIMENSION_LABELS, deliverable_labels=DELIVERABLE_LABELS,
                assignment_state_labels=ASSIGNMENT_STATE_LABELS, case_kind_labels=CASE_KIND_LABELS,
                case_state_labels=STATE_LABELS, comment_kind_labels=VIDEO_COMMENT_KIND_LABELS,
                audience_labels=AUDIENCE_LABELS, notification_labels=NOTIFICATION_LABELS,
                part_labels=part_labels, hour_source_labels=HOUR_SOURCE_LABELS,
                rating_labels=OBSERVATION_RATING_LABELS,
                term_labels=TERM_LABELS, plan_section_labels=PLAN_SECTION_LABELS,
                evidence_kind_labels=EVIDENCE_KIND_LABELS,
                project_stage_labels=PROJECT_STAGE_LABELS,
                project_state_labels=PROJECT_STATE_LABELS,
                activity_kind_labels=ACTIVITY_KIND_LABELS, activity_mode_labels=ACTIVITY_MODE_LABELS,
                reply_labels=REPLY_LABELS, leave_decision_labels=LEAVE_DECISION_LABELS,
                check_in_method_labels=CHECK_IN_METHOD_LABELS,
                lesson_plan_section_labels=LESSON_PLAN_SECTION_LABELS,
                certification_state_labels=CERTIFICATION_STATE_LABELS,
                grade_labels=GRADE_LABELS, round_state_labels=ROUND_STATE_LABELS,
                briefing_state_labels=BRIEFING_STATE_LABELS,
                job_state_labels=JOB_STATE_LABELS,
                showcase_state_labels=SHOWCASE_STATE_LABELS)

# --- issue 11, part A: the usual course categories (a course may use any other) -------------
# the key is what is stored (Chinese, as the offices name them); the label is shown
COURSE_CATEGORY_LABELS = {"师德": _l("Teachers' ethics"), "班级管理": _l("Classroom management"),
                          "专业发展": _l("Professional development"),
                          "学科教学": _l("Subject teaching"), "信息技术": _l("Information technology")}

# --- issue 11, part C (quizzes) ------------------------------------------------------------
QUESTION_KIND_LABELS = {"single": _l("Single choice"), "multiple": _l("Multiple choice")}
# --- issue 11, part D: course tasks and progress (passed by the views that use them) ---
MODULE_STATE_LABELS = {"not_started": _l("Not started"), "started": _l("In progress"),
                       "completed": _l("Completed")}
