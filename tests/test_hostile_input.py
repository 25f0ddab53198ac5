"""Hostile input everywhere: NUL, NaN, sNaN, infinities, Unicode digits, 30-digit ids and
empty strings sent to every form field, query parameter and URL parameter of every route,
and no answer is a 5xx. Runs on SQLite and on PostgreSQL (``DATABASE_URL``).

Nothing here is a hand list of routes or fields:
- the routes are ``app.url_map`` (every rule, every method);
- a route's form fields are those of the WTForms classes its view reaches (the view's code
  and the module helpers it calls, e.g. ``_task_form`` -> ``TaskForm``);
- its query/form parameters are the names the same code reads with ``request.args.get``,
  ``request.values.get`` or ``request.form.get``;
- URL parameters get the cast's real rows (``tests.authz.url_values``) and hostile ids.

Three passes per rule and method:
1. every field and parameter at once with the same hostile value, as anonymous, the master
   and (for /admin) the admin;
2. each URL parameter replaced by a hostile id (int converters must answer 404);
3. for POST rules, each field alone made hostile over the valid values of the page that
   shows the form (harvested from its HTML), as the first role the route lets in, so the
   value reaches the code behind the validators.
"""
import inspect
import re
import tempfile
import types
from html.parser import HTMLParser

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from models import User
from models.notification import Notification
from studio import create_app
from studio.config import TestConfig
from studio.extensions import db
from tests.authz import NOT_PAGES, url_values
from tests.conftest import login

VALUES = ["\x00", "a\x00b", "NaN", "sNaN", "inf", "-Infinity", "1e999", "²", "١٢", "9" * 30,
          "-1", ""]
HOSTILE_IDS = ["9" * 30, "²", "-1", "١٢", str(2 ** 31)]


# --- what the application has, read from the application ------------------------------------
def _collection_app():
    config = type("HostileCollect", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                                     "UPLOAD_DIR": tempfile.mkdtemp()})
    return create_app(config)


# Modules whose functions read request parameters for many views (the list filters).
SHARED_MODULES = {"studio.listing"}


def _reachable(function, depth=3):
    """The view function and the functions of its own module (or of a shared parameter
    module, SHARED_MODULES) it calls, a few levels deep."""
    function = inspect.unwrap(function)
    seen, todo = [], [(function, 0)]
    while todo:
        fn, level = todo.pop()
        if fn in seen:
            continue
        seen.append(fn)
        if level >= depth:
            continue
        for name in fn.__code__.co_names:
            target = fn.__globals__.get(name)
            if isinstance(target, types.FunctionType) and (
                    target.__module__ == fn.__module__ or target.__module__ in SHARED_MODULES):
                todo.append((target, level + 1))
    return seen


def _form_fields(functions):
    fields = set()
    for fn in functions:
        for name in fn.__code__.co_names:
            target = fn.__globals__.get(name)
            if isinstance(target, type) and issubclass(target, FlaskForm):
                fields |= {attr for attr in dir(target)
                           if isinstance(getattr(target, attr, None), UnboundField)}
    return fields


_PARAM = re.compile(r"request\.(?:args|values|form)\.get\(\s*[\"']([^\"']+)[\"']")


def _request_params(functions):
    return {name for fn in functions for name in _PARAM.findall(inspect.getsource(fn))}


def _routes():
    app = _collection_app()
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule in NOT_PAGES:
            continue
        reached = _reachable(app.view_functions[rule.endpoint])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(types.SimpleNamespace(
                rule=rule.rule, endpoint=rule.endpoint, method=method,
                converters={name: type(conv).__name__ for name, conv in rule._converters.items()},
                fields=sorted(_form_fields(reached)), params=sorted(_request_params(reached))))
    return routes


ROUTES = _routes()
GET_RULES = {r.rule for r in ROUTES if r.method == "GET"}


def route_id(route):
    return f"{route.method} {route.rule}"


# --- the world the requests run against ---------------------------------------------------------
@pytest.fixture
def world(cast):
    values = url_values(cast)
    db.session.add(Notification(user_id=cast.master.id, kind="task_assigned", subject="新任务",
                                link=f"/studios/{cast.studio.id}/tasks"))
    db.session.commit()
    return types.SimpleNamespace(cast=cast, values=values)


def fill(rule, values):
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule)


def as_role(client, cast, role):
    """Log in afresh before each request: an earlier request may have logged out (rotating
    the session token) or changed the user."""
    if role == "anonymous":
        return login(client, None)
    db.session.expire_all()
    return login(client, db.session.get(User, getattr(cast, role).id))


class ServerError:
    """An exception the view let out (the test app propagates it instead of answering 500)."""

    def __init__(self, error):
        self.status_code, self.error = 500, f"{type(error).__name__}: {error}"


def send(client, route, url, data=None, query=None):
    try:
        return client.open(url, method=route.method,
                           data=data if route.method != "GET" else None, query_string=query)
    except Exception as error:  # noqa: BLE001  (any escape is a 500 in production)
        db.session.rollback()
        return ServerError(error)


def hostile_data(route, value):
    return {name: value for name in route.fields + route.params}


def roles_for(route):
    return ["anonymous", "admin" if route.rule.startswith("/admin") else "master"]


def check(failures, response, what):
    if response.status_code >= 500:
        failures.append(f"{what}: {getattr(response, 'error', response.status_code)}")


# --- the generated map is sane (a broken generator would test nothing) ------------------------
def test_the_generator_finds_forms_parameters_and_ids():
    by = {(r.endpoint, r.method): r for r in ROUTES}
    assert len(ROUTES) > 40
    assert {"hours", "members", "audience_value", "title"} <= set(by["tasks.new", "POST"].fields)
    assert {"second", "parent_id", "body"} <= set(by["cases.comment", "POST"].fields)
    assert "assignment" in by["cases.new", "GET"].params
    assert {"q"} <= set(by["threads.index", "GET"].params)
    assert {"page", "state"} <= set(by["cases.index", "GET"].params)
    for lists in ("hours.index", "cases.progress", "studios.roster"):
        assert {"group", "role", "q", "page"} <= set(by[lists, "GET"].params), lists
    assert {"kind", "read", "q", "page"} <= set(by["notifications.index", "GET"].params)
    assert {"username", "password"} <= set(by["auth.login", "POST"].fields)
    assert by["studios.home", "GET"].converters == {"studio_id": "BoundedIntConverter"}


# --- pass 1 and 2: every field at once; every URL parameter ---------------------------------------
@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_hostile_values_and_ids_give_no_5xx(client, world, route):
    failures = []
    url = fill(route.rule, world.values)
    for role in roles_for(route):
        for value in VALUES:
            as_role(client, world.cast, role)
            data = hostile_data(route, value)
            query = {name: value for name in route.params}
            check(failures, send(client, route, url, data, query), f"{role} {value!r}")
        for name, converter in route.converters.items():
            for bad in (HOSTILE_IDS if converter.endswith("IntConverter") else VALUES):
                as_role(client, world.cast, role)
                bad_url = fill(route.rule, {**world.values, name: bad})
                response = send(client, route, bad_url, {})
                check(failures, response, f"{role} {name}={bad!r}")
                if converter.endswith("IntConverter") and response.status_code != 404:
                    failures.append(f"{role} {name}={bad!r}: {response.status_code}, not 404")
    assert not failures, f"{route_id(route)}: " + "; ".join(failures)


# --- pass 3: each field alone over the valid values of its form --------------------------------
class _Forms(HTMLParser):
    """The POST forms of a page: {action: {field: first value}}."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self.select and self.current is not None:
            value = a.get("value", "")
            if value and (self.select not in self.current or "selected" in a):
                self.current[self.select] = value
        elif tag == "form" and (a.get("method") or "").lower() == "post":
            self.current = self.forms.setdefault(a.get("action") or "", {})
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.current.setdefault(a["name"], a.get("value", ""))
            else:
                self.current[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a["name"]
        elif tag == "textarea":
            self.textarea = a["name"]
            self.current[a["name"]] = ""

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _page_for(rule):
    """The nearest GET page above (or at) a POST rule: where its form is shown."""
    path = rule
    while path:
        if path in GET_RULES or path + "/" in GET_RULES:
            return path if path in GET_RULES else path + "/"
        path = path.rsplit("/", 1)[0]
    return "/"


def baseline(client, world, route, role):
    """The valid values the page showing this route's form puts in it."""
    page_url = fill(_page_for(route.rule), world.values)
    parser = _Forms()
    parser.feed(client.get(page_url).get_data(as_text=True))
    action = fill(route.rule, world.values)
    return next((dict(f) for act, f in parser.forms.items()
                 if (act or page_url).split("?")[0] == action), None)


def reaching_role(client, world, route):
    """The first role shown the route's form, with the form's values."""
    candidates = ["admin"] if route.rule.startswith("/admin") else [
        "master", "backbone", "new_teacher", "anonymous"]
    for role in candidates:
        as_role(client, world.cast, role)
        page = client.get(fill(_page_for(route.rule), world.values))
        if page.status_code == 200:
            form = baseline(client, world, route, role)
            if form is not None:
                return role, form
    # No page shows the form with these rows (it depends on a state, like "submitted"):
    # each field alone, without the others.
    return candidates[0], {}


POST_ROUTES = [r for r in ROUTES if r.method == "POST" and (r.fields or r.params)]


@pytest.mark.parametrize("route", POST_ROUTES, ids=route_id)
def test_each_field_alone_over_valid_values_gives_no_5xx(client, world, route):
    role, form = reaching_role(client, world, route)
    failures = []
    url = fill(route.rule, world.values)
    for field in sorted(set(route.fields + route.params) | set(form) - {"csrf_token"}):
        for value in VALUES:
            as_role(client, world.cast, role)
            response = send(client, route, url, {**form, field: value})
            check(failures, response, f"{role} {field}={value!r}")
    assert not failures, f"{route_id(route)}: " + "; ".join(failures)
