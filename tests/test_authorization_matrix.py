import re

import pytest

from tests.authz import MATRIX, NOT_PAGES, ROLES, expected_status, url_values
from tests.conftest import login


def declared_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule in NOT_PAGES:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


def test_every_rule_is_declared(app):
    rules = set(declared_rules(app))
    missing = sorted(rules - set(MATRIX))
    stale = sorted(set(MATRIX) - rules)
    assert not missing, f"add these rules to tests/authz.py MATRIX: {missing}"
    assert not stale, f"these MATRIX entries match no route: {stale}"


def fill(rule, values):
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule,method", sorted(MATRIX), ids=lambda v: str(v))
def test_matrix(app, cast, client, rule, method, role):
    data, expected, *renames = MATRIX[(rule, method)]
    values = url_values(cast)
    for param, key in (renames[0] if renames else {}).items():
        values[param] = values[key]
    login(client, None if role == "anonymous" else getattr(cast, role))
    url = fill(rule, values)
    response = client.open(url, method=method, data=data)
    status = expected_status(rule, expected, role)
    assert response.status_code == status, (
        f"{method} {url} as {role}: got {response.status_code}, expected {status}")
    if status == 302 and role == "anonymous" and rule not in ("/login",):
        assert "/login" in response.headers["Location"]
