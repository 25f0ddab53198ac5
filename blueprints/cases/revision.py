"""A revision beside the feedback it answers (issue 8): the review and video comments of the
version that was returned, and what changed between two versions.

``feedback`` runs at most two statements (the review, the comments with their replies),
whatever the number of versions or comments; ``changes`` is a pure function of two loaded
versions (``difflib``, no SQL). The template escapes every piece of text: nothing here
returns markup.
"""
import difflib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models.case import Review, VideoComment
from studio.extensions import db

CONTEXT = 2          # unchanged lines shown around a change
SIMILAR = 0.3        # below this, a replaced line is shown as removed + added, not char by char


def top_comments(version):
    """The time-stamped comments of ``version`` (not the replies), replies loaded with them."""
    return (select(VideoComment)
            .where(VideoComment.version_id == version.id, VideoComment.parent_id.is_(None))
            .options(selectinload(VideoComment.replies))
            .order_by(VideoComment.second, VideoComment.id))


@dataclass
class Feedback:
    version: object          # the version that was reviewed and returned
    review: object           # its "request changes" review (None if it has none)
    comments: list
    same_version: bool       # the page shows that version itself (returned, not yet revised)
    same_video: bool         # the page's recording is the one the comments were made on


def feedback(case, versions, version, comments):
    """The feedback the viewed ``version`` answers, or None: only on the newest version a
    viewer sees, while ``LessonCase.answered_version`` names one. ``comments`` are the page's
    own (reused when the answered version is the one on the page)."""
    answered = case.answered_version(versions) if versions and version is versions[-1] else None
    if answered is None:
        return None
    review = db.session.execute(
        select(Review).where(Review.version_id == answered.id,
                             Review.verdict == "request_changes")
        .order_by(Review.id.desc()).limit(1)).scalars().first()
    same = answered.id == version.id
    notes = comments if same else db.session.execute(top_comments(answered)).scalars().all()
    return Feedback(answered, review, notes, same,
                    answered.recording_file_id is not None
                    and answered.recording_file_id == version.recording_file_id)


# --- what changed ------------------------------------------------------------------------------

@dataclass
class Line:
    """One row of a text diff. ``kind``: same, removed, added, changed or skip; ``parts``:
    (op, text) pairs with op equal, delete or insert; ``skipped``: unchanged lines left out."""
    kind: str
    parts: list = field(default_factory=list)
    skipped: int = 0


def _chars(old, new):
    """A changed line, character by character (Chinese has no spaces to split words on)."""
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("equal", old[i1:i2]))
            continue
        if i2 > i1:
            parts.append(("delete", old[i1:i2]))
        if j2 > j1:
            parts.append(("insert", new[j1:j2]))
    return parts


def _unchanged(lines, first, last):
    """Unchanged lines: a little context after and before a change, the rest counted."""
    head = [] if first else lines[:CONTEXT]
    tail = [] if last else lines[-CONTEXT:]
    if len(lines) <= len(head) + len(tail):
        return [Line("same", [("equal", text)]) for text in lines]
    rows = [Line("same", [("equal", text)]) for text in head]
    rows.append(Line("skip", skipped=len(lines) - len(head) - len(tail)))
    return rows + [Line("same", [("equal", text)]) for text in tail]


def _replaced(old_lines, new_lines):
    rows = []
    for old, new in zip(old_lines, new_lines):
        if difflib.SequenceMatcher(None, old, new, autojunk=False).ratio() >= SIMILAR:
            rows.append(Line("changed", _chars(old, new)))
        else:
            rows += [Line("removed", [("delete", old)]), Line("added", [("insert", new)])]
    paired = min(len(old_lines), len(new_lines))
    rows += [Line("removed", [("delete", text)]) for text in old_lines[paired:]]
    return rows + [Line("added", [("insert", text)]) for text in new_lines[paired:]]


def text_diff(old, new):
    """The rows of a line diff of two texts; an empty list when they are the same."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    if a == b:
        return []
    rows = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            rows += _unchanged(a[i1:i2], index == 0, index == len(opcodes) - 1)
        else:
            rows += _replaced(a[i1:i2], b[j1:j2])
    return rows


@dataclass
class Changes:
    old: object
    new: object
    design: list             # text_diff rows of the design text
    reflection: list         # ... and of the reflection
    files: list              # (part, old file or None, new file or None, replaced?)


def changes(one, other, parts):
    """What changed from the older of two versions to the newer: the texts and the files of
    the case's ``parts`` (a report has no recording)."""
    old, new = sorted((one, other), key=lambda v: v.number)
    files = [(part, getattr(old, f"{part}_file"), getattr(new, f"{part}_file"),
              getattr(old, f"{part}_file_id") != getattr(new, f"{part}_file_id"))
             for part in ("design", "recording") if part in parts]
    return Changes(old, new, text_diff(old.design_text, new.design_text),
                   text_diff(old.reflection, new.reflection), files)
