"""Demo data for the showcase of excellent lesson cases (优秀课例展示): in the maths studio,
two recommended cases public in the showcase and one waiting for its author's consent.
Idempotent: a studio that already has a showcase round is left as it is."""
from sqlalchemy import select

from studio.extensions import db

RUBRIC = {"learner_analysis_score": 5, "learner_analysis_comment": "学情分析到位。",
          "lesson_design_score": 5, "lesson_design_comment": "问题链设计层层递进。",
          "teaching_delivery_score": 4, "teaching_delivery_comment": "课堂节奏把握较好。",
          "reflection_score": 5, "reflection_comment": "反思深入具体。"}
# (author, title, grade, topic, what becomes of the showcase request)
CASES = [("teacher011", "勾股定理的应用——最短路径问题", "八年级", "勾股定理", "published"),
         ("teacher012", "平行线的判定与性质", "七年级", "平行线", "requested")]


def seed_showcase(studio):
    from blueprints.showcase import operations as showcase
    from models.case import LessonCase
    from models.showcase import ShowcaseEntry
    from studio.demo import _user

    if db.session.execute(select(ShowcaseEntry.id).where(
            ShowcaseEntry.studio_id == studio.id)).first():
        return False
    master = _user("master")
    first = db.session.execute(select(LessonCase).where(
        LessonCase.studio_id == studio.id, LessonCase.state == "recommended")
        .order_by(LessonCase.id)).scalars().first()
    rounds = [(first, "published")] if first is not None else []
    rounds += [(_recommended(studio, master, *spec[:4]), spec[4]) for spec in CASES]
    for case, outcome in rounds:
        entry = showcase.request_publication(case, master)
        if outcome == "published":
            showcase.answer(entry, case.author, True)
            showcase.publish(entry, master)
    return True


def _recommended(studio, master, username, title, grade, topic):
    """A new teacher's case handed in, approved by the mentor and recommended by the master."""
    from blueprints.cases import operations as cases
    from studio.demo import DESIGN, REFLECTION, _user, demo_video

    author = _user(username)
    mentor = studio.mentor_of(author)
    case = cases.create_case(studio, author, dict(kind="standard", title=title, subject="数学",
                                                  grade=grade, topic=topic))
    cases.update_parts(case, author, {}, DESIGN, REFLECTION, None, demo_video(author))
    cases.submit_case(case, author)
    cases.open_for_review(case, mentor)
    cases.review_case(case, mentor, dict(RUBRIC), "设计完整，实录清晰，同意通过。", "approve")
    cases.recommend_case(case, master, "课堂生成精彩，推荐为优秀课例。")
    db.session.flush()
    return case
