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
    prompt = TextAreaField(_l("Question"), validators=[
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
        slots = [(entry.data or "").strip() for entry in self.options]
        filled = [i for i, text in enumerate(slots) if text]
        correct = set()
        for value in self.correct.data or []:
            index = parse_count(value, 0, MAX_OPTIONS - 1)
            if index is None:
                self.correct.errors.append(_l("Mark the correct options with the boxes beside "
                                              "them."))
                return False
            correct.add(index)
        if len(filled) < MIN_OPTIONS:
            self.correct.errors.append(_l("A question needs at least two options."))
            valid = False
        if correct - set(filled):
            self.correct.errors.append(_l("A correct option must have a text."))
            valid = False
        elif not correct:
            self.correct.errors.append(_l("Mark at least one correct option."))
            valid = False
        elif self.kind.data == "single" and len(correct) != 1:
            self.correct.errors.append(_l("A single-choice question has exactly one correct "
                                          "option; make it a multiple-choice question to mark "
                                          "several."))
            valid = False
        if valid:
            self.cleaned = {"kind": self.kind.data, "prompt": self.prompt.data.strip(),
                            "options": [slots[i] for i in filled],
                            "answer": sorted(filled.index(i) for i in correct),
                            "explanation": (self.explanation.data or "").strip()}
        return valid


class ConfirmForm(FlaskForm):
    """A button that posts (start an attempt, delete a question): its CSRF token only."""
