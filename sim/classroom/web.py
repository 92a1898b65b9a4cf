"""The classroom's ASGI app (Starlette, served by uvicorn: both come with the dashboard
extra). One class session per server.

Routes: ``/`` (join), ``/join`` (POST), ``/play/<code>/<player>`` (a student's page and
answers), ``/teacher/<key>`` (the teacher's page) and its exports. What a browser sends
is bounded (:data:`MAX_BODY` bytes, url-encoded forms only, :data:`MAX_FIELDS` fields,
no field twice) and checked by :mod:`.session` and :meth:`.decisions.Turn.check`; it
can only pick among what the page offered and type a name. The pages carry no script
and the Content-Security-Policy allows none, nor any remote asset.
"""

from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sim.classroom import export, pages

MAX_BODY = 4096
MAX_FIELDS = 16
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the teacher's key is in its page's address
    "Cache-Control": "no-store",
}


class BadForm(ValueError):
    """A request body that is not a small url-encoded form."""


async def read_form(request: Request) -> dict[str, str]:
    """The posted form as a dict (BadForm if it is not a small url-encoded form)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise BadForm("expected a form")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise BadForm("the form is too large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as err:
        raise BadForm("the form could not be read") from err
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise BadForm(f"the field {key!r} came twice")
        form[key] = value
    return form


def html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=HEADERS)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


def download(text: str, name: str, kind: str) -> Response:
    return Response(
        text,
        media_type=kind,
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


def not_found() -> HTMLResponse:
    return html(pages.message_page("Not found", "There is no such page in this session."), 404)


def build_app(session) -> Starlette:
    """The app serving ``session`` (:class:`.session.Session`)."""

    async def join_form(request: Request):
        return html(pages.join_page(session))

    async def join(request: Request):
        try:
            form = await read_form(request)
        except BadForm as err:
            return html(pages.join_page(session, str(err)), 400)
        if not session.matches(form.get("code", "")):
            return html(pages.join_page(session, "That is not the code of this session."), 400)
        try:
            player = session.join(form.get("name", ""), form.get("role"))
        except ValueError as err:
            return html(pages.join_page(session, str(err)), 400)
        return see_other(f"/play/{session.code}/{player.id}")

    def player_of(request: Request):
        code, pid = request.path_params["code"], request.path_params["pid"]
        return session.player(pid) if session.matches(code) else None

    async def play(request: Request):
        player = player_of(request)
        return not_found() if player is None else html(pages.play_page(session, player))

    async def answer(request: Request):
        player = player_of(request)
        if player is None:
            return not_found()
        try:
            form = await read_form(request)
            if player.game.position().finished:
                raise ValueError("the game is over")
            if form.get("do") == "rule":
                player.game.follow_rule()
            else:
                given = {k[2:]: v for k, v in form.items() if k.startswith("q_")}
                player.game.answer(given)
        except ValueError as err:  # BadForm too
            return html(pages.play_page(session, player, str(err)), 400)
        return see_other(f"/play/{session.code}/{player.id}")

    def teacher(request: Request) -> bool:
        return session.is_teacher(request.path_params["key"])

    async def teacher_page(request: Request):
        if not teacher(request):
            return not_found()
        return html(pages.teacher_page(session, str(request.base_url)))

    async def outcomes_csv(request: Request):
        if not teacher(request):
            return not_found()
        return download(export.outcomes_csv(session), "outcomes.csv", "text/csv")

    async def weeks_csv(request: Request):
        if not teacher(request):
            return not_found()
        return download(export.weeks_csv(session), "weeks.csv", "text/csv")

    async def report(request: Request):
        if not teacher(request):
            return not_found()
        return download(export.report_html(session), "report.html", "text/html")

    async def missing(request: Request, exc):
        return not_found()

    routes = [
        Route("/", join_form, methods=["GET"]),
        Route("/join", join, methods=["POST"]),
        Route("/play/{code}/{pid}", play, methods=["GET"]),
        Route("/play/{code}/{pid}", answer, methods=["POST"]),
        Route("/teacher/{key}", teacher_page, methods=["GET"]),
        Route("/teacher/{key}/outcomes.csv", outcomes_csv, methods=["GET"]),
        Route("/teacher/{key}/weeks.csv", weeks_csv, methods=["GET"]),
        Route("/teacher/{key}/report.html", report, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={404: missing})
