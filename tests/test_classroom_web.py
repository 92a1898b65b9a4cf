"""The classroom's web app in process (Starlette's test client): the pages a student and
a teacher get, and what it answers to input no page offers. Nothing a browser sends can
do more than pick an offered option or type a name."""

import csv
import io
import re
import warnings
from dataclasses import replace

import pytest

from sim.classroom.distribution import run_distribution
from sim.classroom.session import Session
from sim.outcomes import OUTCOME_NAMES

pytest.importorskip("starlette")
with warnings.catch_warnings():  # Starlette's test client asks for httpx2 over httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from sim.classroom.web import MAX_BODY, build_app  # noqa: E402


@pytest.fixture(scope="module")
def session(baseline):
    short = replace(baseline, horizon_weeks=6)
    return Session(short, run_distribution(short, 200, 3), ("ankara", "baku"))


@pytest.fixture(scope="module")
def client(session):
    return TestClient(build_app(session))


def join(client, session, name="Ana"):
    r = client.post("/join", data={"code": session.code, "name": name}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"]


def options(page: str) -> dict[str, str]:
    """The first option of each question on a page."""
    found: dict[str, str] = {}
    for name, value in re.findall(r'name="(q_\w+)" value="([^"]+)"', page):
        found.setdefault(name, value)
    return found


def test_every_page_forbids_scripts_and_remote_assets(client):
    r = client.get("/")
    policy = r.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "<script" not in r.text and "http" not in r.text.split("<body>")[1]
    assert r.headers["referrer-policy"] == "no-referrer"


def test_a_student_joins_plays_to_the_end_and_sees_where_the_world_falls(client, session):
    url = join(client, session)
    page = client.get(url).text
    assert "you play Ankara (Turkey)" in page and "Week 1 of 6" in page
    while "The end" not in page:
        r = client.post(url, data={**options(page), "do": "decide"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = client.get(url).text
        assert "the rule's pick" in page  # after each choice, the rule's pick and why
    for name in OUTCOME_NAMES:
        assert name.replace("_", " ") in page
    assert "<svg" in page and "95% Wilson interval" in page


def test_the_teacher_sees_the_class_and_exports_it(client, session):
    url = join(client, session, "Ben")
    client.post(url, data={"do": "rule"})  # Ben lets the rule decide one week
    key = session.teacher_key
    page = client.get(f"/teacher/{key}").text
    assert session.code in page and "Ben" in page and "playing" in page
    rows = list(csv.DictReader(io.StringIO(client.get(f"/teacher/{key}/weeks.csv").text)))
    assert {r["name"] for r in rows} >= {"Ben"}
    finished = list(csv.DictReader(io.StringIO(client.get(f"/teacher/{key}/outcomes.csv").text)))
    assert all(r["name"] != "Ben" for r in finished)  # unfinished games are not placed yet
    report = client.get(f"/teacher/{key}/report.html")
    assert report.headers["content-disposition"].startswith("attachment")
    assert "Made by escsim" in report.text and "Ben" in report.text


@pytest.mark.parametrize(
    "path", ["/teacher/wrong", "/teacher/wrong/outcomes.csv", "/play/AAAAAA/xx", "/etc/passwd"]
)
def test_a_wrong_address_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_a_wrong_code_or_a_bad_name_is_refused_and_said(client, session):
    r = client.post("/join", data={"code": "ZZZZZZ", "name": "Ana"})
    assert r.status_code == 400 and "not the code of this session" in r.text
    r = client.post("/join", data={"code": session.code, "name": "<img src=x>"})
    assert r.status_code == 400 and "<img src=x>" not in r.text


def test_an_answer_no_page_offers_is_refused(client, session):
    url = join(client, session, "Cem")
    page = client.get(url).text
    before = re.search(r"Week (\d+) of", page).group(1)
    for form in (
        {"q_line": "+7", "do": "decide"},  # not an option
        {"q_other": "+0", "do": "decide"},  # not a question
        {"do": "decide"},  # no answer
    ):
        r = client.post(url, data=form)
        assert r.status_code == 400, form
    assert re.search(r"Week (\d+) of", client.get(url).text).group(1) == before


def test_a_large_or_odd_body_is_refused(client, session):
    url = join(client, session, "Dee")
    big = "q_line=" + "+" * (MAX_BODY + 10)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    assert client.post(url, content=big, headers=headers).status_code == 400
    assert client.post(url, json={"q_line": "+0"}).status_code == 400
    twice = "q_line=%2B0&q_line=-1&do=decide"
    assert client.post(url, content=twice, headers=headers).status_code == 400
    assert client.post("/join", content=b"\xff\xfe", headers=headers).status_code == 400
