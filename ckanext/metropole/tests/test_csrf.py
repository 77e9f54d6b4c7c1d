"""Every form needs its CSRF token, anonymous ones included (issue 15,
item 10): login, registration and password reset could be posted from
another site (CKAN treats a request without a session as "logged in via the
Authorization header" and exempts it)."""
from __future__ import annotations

import re

import pytest

from ckan import model
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery staple"


def _token(client, path: str) -> str:
    return CSRF_RE.search(client.get(path).body).group(1)


def _logged_in(client) -> bool:
    response = client.get("/dashboard/datasets", follow_redirects=False)
    return response.status_code == 200


def test_login_without_the_token_is_refused(app):
    factories.User(name="lea", password=PASSWORD)
    client = app.test_client()
    response = client.post("/user/login", data={"login": "lea", "password": PASSWORD},
                           follow_redirects=False)
    assert response.status_code == 400
    assert not _logged_in(client)
    response = client.post("/user/login", data={"login": "lea", "password": PASSWORD,
                                                "_csrf_token": "forged"},
                           follow_redirects=False)
    assert response.status_code == 400
    assert not _logged_in(client)


def test_login_with_the_token(app):
    factories.User(name="lea", password=PASSWORD)
    client = app.test_client()
    response = client.post("/user/login", data={
        "login": "lea", "password": PASSWORD, "_csrf_token": _token(client, "/user/login")},
        follow_redirects=False)
    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.parametrize(("path", "data"), [
    ("/user/register", {"name": "intrus", "fullname": "Intrus", "email": "i@example.org",
                        "password1": PASSWORD, "password2": PASSWORD}),
    ("/user/reset", {"user": "lea"}),
])
def test_other_anonymous_forms(app, path, data):
    factories.User(name="lea", password=PASSWORD)
    client = app.test_client()
    assert client.post(path, data=data, follow_redirects=False).status_code == 400
    assert model.User.get("intrus") is None


def test_a_logged_in_form_stays_protected_after_an_anonymous_post(app):
    # CKAN 2.12 exempts a view for good once an anonymous request posted to it
    factories.User(name="lea", password=PASSWORD)
    app.test_client().post("/dataset/new", data={"name": "x"})
    client = app.test_client()
    client.post("/user/login", data={"login": "lea", "password": PASSWORD,
                                     "_csrf_token": _token(client, "/user/login")})
    assert client.post("/dataset/new", data={"name": "x"},
                       follow_redirects=False).status_code == 400


def test_the_api(app):
    user = factories.User(name="lea", password=PASSWORD)
    token = factories.APIToken(user=user["name"])["token"]
    # anonymous, nothing to forge
    assert app.post("/api/3/action/package_search", json={}).status_code == 200
    # an API token carries no ambient authority
    response = app.post("/api/3/action/user_patch", json={"id": user["id"], "about": "x"},
                        headers={"Authorization": token})
    assert response.status_code == 200
    # a session cookie does: the token travels in a header
    client = app.test_client()
    client.post("/user/login", data={"login": "lea", "password": PASSWORD,
                                     "_csrf_token": _token(client, "/user/login")})
    assert client.post("/api/3/action/user_patch", json={"id": user["id"], "about": "y"}
                       ).status_code in (400, 403)
