"""Importing questions into a quiz's bank from a CSV (UTF-8 or GBK) or XLSX file.

The first row names the columns: 题型 (单选 / 多选; empty: single when one answer letter),
题干, 选项A … 选项H, 答案 (letters, e.g. ``B`` or ``A,C``), 解析. Every row is checked with the
question form's rules; one bad row imports nothing and the page lists each row's problems."""
import re

from flask_babel import lazy_gettext as _l

from blueprints.admin.operations import _cell, _read_csv, _read_xlsx
from blueprints.courses.quiz_forms import MAX_OPTIONS, check_question
from blueprints.courses.quiz_operations import add_question
from studio.errors import RuleError
from studio.inputs import unstorable

MAX_ROWS = 500
LETTERS = "ABCDEFGH"
COLUMNS = {
    "kind": ("题型", "type", "kind"),
    "prompt": ("题干", "题目", "question", "prompt"),
    "answer": ("答案", "正确答案", "answer"),
    "explanation": ("解析", "explanation"),
}
COLUMNS.update({f"option{i}": (f"选项{letter}", letter.lower(), f"option {letter.lower()}",
                                f"选项{letter.lower()}")
                for i, letter in enumerate(LETTERS)})
KINDS = {"单选": "single", "单选题": "single", "single": "single",
         "多选": "multiple", "多选题": "multiple", "multiple": "multiple"}
LIMITS = {"prompt": 2000, "explanation": 2000}


def read_questions(data):
    """The file's questions as (line, fields) pairs. Raises RuleError listing every problem
    (``line N: ...``) when the file or any row is refused."""
    try:
        table = _read_xlsx(data) if data[:4] == b"PK\x03\x04" else _read_csv(data)
    except RuleError as error:   # an unreadable file: the user's input, so 400
        raise RuleError(error.message, field="file")
    table = [[_cell(v) for v in row] for row in table[:MAX_ROWS + 2]] if table else []
    table = [row for row in table if any(row)]
    if len(table) < 2:
        raise RuleError(_l("The file has no questions: the first row names the columns, "
                           "each row below is a question."), field="file")
    if len(table) - 1 > MAX_ROWS:
        raise RuleError(_l("A file may hold at most %(n)s questions.", n=MAX_ROWS),
                        field="file")
    header = [title.strip().lower() for title in table[0]]
    index = {code: header.index(name) for code, names in COLUMNS.items()
             for name in names if name in header}
    if not {"prompt", "answer", "option0", "option1"} <= set(index):
        raise RuleError(_l("The first row must name the columns 题干, 选项A, 选项B … and 答案."),
                        field="file")
    questions, problems = [], []
    for line, values in enumerate(table[1:], start=2):
        row = {code: values[pos] if pos < len(values) else "" for code, pos in index.items()}
        row_problems, fields = check_row(row)
        problems.extend(_l("Row %(line)s: %(problem)s", line=line, problem=p)
                        for p in row_problems)
        questions.append((line, fields))
    if problems:
        raise RuleError("\n".join(str(p) for p in problems), field="file")
    return questions


def check_row(row):
    """One row's problems (translated) and its question's fields."""
    if unstorable(list(row.values())):
        return [_l("it holds characters that cannot be saved (such as a NUL byte).")], None
    problems = []
    kind_text = row.get("kind", "").strip().lower()
    letters = [c for c in row["answer"].upper() if c not in " ,，、;；/"]
    marks = [LETTERS.index(c) if c in LETTERS else None for c in letters]
    if not row["prompt"].strip():
        problems.append(_l("Please enter the question."))
    if None in marks:
        problems.append(_l("the answer must be option letters A to H, such as B or A,C."))
        marks = []
    kind = KINDS.get(kind_text) if kind_text else ("single" if len(set(marks)) <= 1
                                                    else "multiple")
    if kind is None:
        problems.append(_l("the type must be 单选 or 多选."))
        kind = "single"
    for code, limit in LIMITS.items():
        if len(row.get(code, "")) > limit:
            problems.append(_l("a text is too long (at most %(n)s characters).", n=limit))
    slots = [row.get(f"option{i}", "") for i in range(MAX_OPTIONS)]
    if any(len(text) > 500 for text in slots):
        problems.append(_l("An option is too long (at most 500 characters)."))
    rule_problems, fields = check_question(kind, row["prompt"], slots, marks)
    fields["explanation"] = row.get("explanation", "").strip()
    return problems + rule_problems, fields


def import_questions(module, user, data):
    """Add every question of the file to ``module``'s bank, or none. Returns how many."""
    questions = read_questions(data)
    for _line, fields in questions:
        add_question(module, user, fields)
    return len(questions)
