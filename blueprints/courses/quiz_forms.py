"""The question bank's form: a single- or multiple-choice question with 2–8 options."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from studio.inputs import parse_count
from studio.labels import QUESTION_KIND_LABELS

MAX_OPTIONS = 8
MIN_OPTIONS = 2


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Question type"), choices=list(QUESTION_KIND_LABELS.items()),
                       default="single")
    prompt = TextAreaField(_l("Question text"), validators=[
        DataRequired(_l("Please enter the question.")),
        Length(max=2000, message=_l("The question is too long (at most 2000 characters)."))])
    options = FieldList(StringField(validators=[Optional(), Length(
        max=500, message=_l("An option is too long (at most 500 characters)."))]),
        min_entries=MAX_OPTIONS, max_entries=MAX_OPTIONS)
    correct = SelectMultipleField(_l("Correct options"), validate_choice=False,
                                  choices=[(str(i), str(i + 1)) for i in range(MAX_OPTIONS)])
    explanation = TextAreaField(_l("Explanation (shown with the answers)"), validators=[
        Optional(), Length(max=2000, message=_l("The explanation is too long (at most 2000 "
                                                "characters)."))])

    @classmethod
    def for_question(cls, question):
        """The form filled with ``question`` (blank slots after its options)."""
        form = cls(data={"kind": question.kind, "prompt": question.prompt,
                         "explanation": question.explanation,
                         "options": list(question.options)
                         + [""] * (MAX_OPTIONS - len(question.options)),
                         "correct": [str(i) for i in question.answer]})
        return form

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.cleaned = None
        slots = [entry.data or "" for entry in self.options]
        marks = [parse_count(value, 0, MAX_OPTIONS - 1) for value in self.correct.data or []]
        if None in marks:
            self.correct.errors.append(_l("Mark the correct options with the boxes beside "
                                          "them."))
            return False
        problems, cleaned = check_question(self.kind.data, self.prompt.data or "", slots, marks)
        self.correct.errors.extend(problems)
        if valid and not problems:
            cleaned["explanation"] = (self.explanation.data or "").strip()
            self.cleaned = cleaned
        return valid and not problems


def check_question(kind, prompt, slots, marks):
    """The rules of a question (the form's and the import's): 2–8 non-empty options (empty
    slots are dropped), at least one correct option, which must have a text, a single-choice
    question exactly one. Returns (problems, the question's fields without explanation)."""
    slots = [text.strip() for text in slots]
    filled = [i for i, text in enumerate(slots) if text]
    correct = set(marks)
    problems = []
    if len(filled) < MIN_OPTIONS:
        problems.append(_l("A question needs at least two options."))
    if correct - set(filled):
        problems.append(_l("A correct option must have a text."))
    elif not correct:
        problems.append(_l("Mark at least one correct option."))
    elif kind == "single" and len(correct) != 1:
        problems.append(_l("A single-choice question has exactly one correct option; make it "
                           "a multiple-choice question to mark several."))
    return problems, {"kind": kind, "prompt": prompt.strip(),
                      "options": [slots[i] for i in filled],
                      "answer": sorted(filled.index(i) for i in correct if i in filled)}


class ConfirmForm(FlaskForm):
    """A button that posts (start an attempt, delete a question): its CSRF token only."""
