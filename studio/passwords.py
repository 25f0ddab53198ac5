"""Password policy, the one place that decides whether a new password is acceptable.

A password is refused when it is shorter than 8 characters, is the username (alone or with
digits), is one character or a short group repeated, is in the bundled list of common
passwords from public leaks (``common_passwords.txt``, sources in its header), or follows a
pattern that guessing tools try first: a date, digits with a letter or two, keys next to
each other on the keyboard, a word about this site with digits, a name in pinyin with
digits. Each refusal says why, in the user's language.

The patterns are checked on the password's "skeleton": lowercase, letters and digits only
(``Zhang.1988`` and ``zhang1988`` are the same guess).
"""
import os
import re

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON = None

# The most common Chinese surnames in pinyin (about the first hundred by population, and
# the usual compound ones). Tone marks and ü are written as people type them.
SURNAMES = frozenset("""
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng
liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu du ye cheng su
wei lv lu ding ren shen yao jiang cui zhong tan fan jin shi liao jia xia fu fang bai zou
meng xiong qin qiu hou yin xue yan duan lei long tao mao hao gu gong shao wan qian dai
kong xiang chang kang yi qiao lai wen niu hong ge bao zhuang geng guan ji mo ou ling
zhan che mu nie rao qi xing an
ouyang situ shangguan zhuge sima dongfang murong huangfu
""".split())

# Very common syllables of given names, and a few whole given names people use as nicknames.
GIVEN_NAMES = frozenset("""
wei fang na min jing qiang jun yong yan jie tao ming chao xiu xia ping gang hua hui xin
hao peng bin bo kai fei ting ying jian hai ning bing dan qing mei lan juan yun xue feng
chun jia zhi tian rui zi xuan yue ze chen shuai hong lei yu long li yang lin xiang guang
wen bo cheng hang jiao ke le lu man miao nan pei qi qian shan shu song ya yao yi yuan
zhen zheng dong hu huan jin kang tong xi
xiaoming xiaohong xiaoli xiaohua xiaoyu xiaolong xiaowei xiaofeng xiaojun xiaoyan
xiaomei xiaoqiang xiaogang xiaoxiao xiaobao baobao beibei
""".split())

NAME_SYLLABLES = SURNAMES | GIVEN_NAMES

# Words about this site and its users that people put before digits.
SITE_WORDS = ("laoshi", "jiaoshi", "teacher", "xuexiao", "xuesheng", "mima", "mingshi",
              "gongzuoshi", "banzhuren", "admin", "studio", "mentor")

KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")

_LEET = str.maketrans({"@": "a", "$": "s", "0": "o", "3": "e", "!": "i"})


def _keyboard_neighbours():
    """Keys that touch on a QWERTY keyboard: left and right in a row, and the two keys
    above and below (each row is shifted half a key to the right of the one above)."""
    position = {key: (row, col) for row, keys in enumerate(KEYBOARD_ROWS)
                for col, key in enumerate(keys)}
    neighbours = {key: set() for key in position}
    for key, (row, col) in position.items():
        for other_row, other_col in ((row, col - 1), (row, col + 1), (row - 1, col),
                                     (row - 1, col + 1), (row + 1, col - 1), (row + 1, col)):
            if 0 <= other_row < len(KEYBOARD_ROWS):
                if 0 <= other_col < len(KEYBOARD_ROWS[other_row]):
                    neighbours[key].add(KEYBOARD_ROWS[other_row][other_col])
    return neighbours


_NEIGHBOURS = _keyboard_neighbours()


def common_passwords():
    global _COMMON
    if _COMMON is None:
        path = os.path.join(os.path.dirname(__file__), "common_passwords.txt")
        with open(path, encoding="utf-8") as handle:
            _COMMON = {line.strip().lower() for line in handle
                       if line.strip() and not line.startswith("#")}
    return _COMMON


def skeleton(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _letters_and_digits(shape):
    """(letters, digits) for ``zhang1988`` or ``1988zhang``; None for other shapes."""
    match = re.fullmatch(r"([a-z]+)([0-9]+)", shape) or re.fullmatch(r"([0-9]+)([a-z]+)", shape)
    if match is None:
        return None
    first, second = match.groups()
    return (first, second) if first.isalpha() else (second, first)


def _is_name(letters, parts=3):
    """True if ``letters`` is one to three syllables of Chinese names (wangxiaoming)."""
    if not letters:
        return True
    if parts == 0:
        return False
    return any(letters[:end] in NAME_SYLLABLES and _is_name(letters[end:], parts - 1)
               for end in range(1, min(len(letters), 10) + 1))


def _is_keyboard_walk(shape):
    """True if ``shape`` is made of runs of 3+ touching keys (qwe, 1qaz, zaq1) and digits,
    with at least one run of letters."""
    runs, run = [], shape[:1]
    for previous, key in zip(shape, shape[1:]):
        if key in _NEIGHBOURS.get(previous, ()):
            run += key
        else:
            runs.append(run)
            run = key
    runs.append(run)
    return (any(len(run) >= 3 and not run.isdigit() for run in runs)
            and all(run.isdigit() or len(run) >= 3 for run in runs))


def _is_date(digits):
    """True for eight digits that read as a date: 19880808, 08081988 or 08151988."""
    if len(digits) != 8 or not digits.isdigit():
        return False
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]),
                             (digits[4:], digits[2:4], digits[:2]),
                             (digits[4:], digits[:2], digits[2:4])):
        if 1900 <= int(year) <= 2099 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            return True
    return False


def _is_repeated_group(shape):
    """abcabcabc, 123123123, mimamima."""
    return any(len(shape) % size == 0 and shape == shape[:size] * (len(shape) // size)
               for size in range(1, len(shape) // 2 + 1))


def _username_problem(lowered, shape, username):
    user_shape = skeleton(username)
    if lowered == username.lower() or (user_shape and shape == user_shape):
        return _l("The password must not be the same as the username.")
    if len(user_shape) >= 3 and re.fullmatch(r"[0-9]*" + re.escape(user_shape) + r"[0-9]*",
                                             shape):
        return _l("The password must not be the username with digits added.")
    return None


def _pattern_problem(shape):
    if len(set(shape)) == 1:
        return _l("The password must not be one character repeated.")
    if _is_repeated_group(shape):
        return _l("The password must not be a short group of characters repeated.")
    if len(set(shape)) <= 2:
        return _l("The password must use more than two different characters.")
    if _is_date(shape):
        return _l("A date is easy to guess. Please choose another.")
    if re.fullmatch(r"[a-z]{1,2}[0-9]+|[0-9]+[a-z]{1,2}", shape):
        return _l("Digits with only a letter or two before or after them are easy to guess. "
                  "Please choose another.")
    if _is_keyboard_walk(shape):
        return _l("Keys next to each other on the keyboard are easy to guess. "
                  "Please choose another.")
    if any(re.fullmatch(r"[0-9]*(%s)+[0-9]*" % word, shape) for word in SITE_WORDS):
        return _l("A word about this site (such as laoshi, mima or admin) with digits added "
                  "is easy to guess. Please choose another.")
    parts = _letters_and_digits(shape)
    if parts and _is_name(parts[0]):
        return _l("A name in pinyin with digits added is easy to guess. "
                  "Please choose another.")
    return None


def password_problem(password, username=""):
    """Return a translated reason the password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("The password must have at least %(n)s characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("The password must have at most 128 characters.")
    lowered = password.strip().lower()
    shape = skeleton(password)
    if username:
        problem = _username_problem(lowered, shape, username)
        if problem:
            return problem
    if len(set(lowered)) == 1:
        return _l("The password must not be one character repeated.")
    problem = _pattern_problem(shape) if shape else None
    if problem:
        return problem
    common = common_passwords()
    if lowered in common or shape in common or lowered.translate(_LEET) in common:
        return _l("This password is too common and easy to guess. Please choose another.")
    return None
