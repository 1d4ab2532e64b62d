"""A small browser over HTTP for tests and benchmarks that talk to a real server: cookies,
CSRF tokens, forms read from the page, and no redirects followed unless asked.

Requests present themselves as coming through a TLS proxy (`X-Forwarded-Proto: https`), so a
server started with production settings and DJANGO_TRUSTED_PROXY_COUNT=1 serves them over
loopback with its secure cookies.
"""

import http.client
import http.cookies
import re
import time
import urllib.parse
from html.parser import HTMLParser


class Form(HTMLParser):
    """The named fields of a page's form (the one with the given action or id, else all
    forms), as a browser would submit them."""

    def __init__(self, html: str, action: str | None = None, form_id: str | None = None):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._wanted = (action, form_id)
        self._choosing = action is not None or form_id is not None
        self._inside = not self._choosing
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self._choosing:
            action, form_id = self._wanted
            self._inside = (action is not None and attrs.get("action") == action) or (
                form_id is not None and attrs.get("id") == form_id
            )
        if not self._inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields.append((self._textarea, ""))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = attrs["name"], None, False
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data):
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
            if self.fields and self.fields[-1][1].startswith("\n"):
                # HTML drops the newline right after <textarea>.
                name, text = self.fields[-1]
                self.fields[-1] = (name, text[1:])
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "form" and self._choosing:
            self._inside = False

    def as_dict(self) -> dict[str, str]:
        return dict(self.fields)


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, seconds: float):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Client:
    """One visitor: its own connection and cookie jar."""

    def __init__(self, base: str, host: str = "localhost", timeout: float = 30):
        parsed = urllib.parse.urlsplit(base)
        self.address = (parsed.hostname, parsed.port)
        self.host = host
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self):
        if self._connection is None:
            self._connection = http.client.HTTPConnection(*self.address, timeout=self.timeout)
        return self._connection

    def cookie_header(self) -> str:
        """The Cookie header this visitor's browser would send."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, data: dict | list | None = None) -> Response:
        headers = {"Host": self.host, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{self.host}{path}"
        started = time.perf_counter()
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closed the kept-alive connection: open a new one, once.
                self.close()
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(value)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    # Deleted: a browser stops sending it.
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        headers = {k.lower(): v for k, v in response.headers.items()}
        return Response(response.status, headers, payload, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict | list | None = None) -> Response:
        fields = dict(data or {})
        fields.setdefault("csrfmiddlewaretoken", self.cookies.get("csrftoken", ""))
        return self.request("POST", path, fields)

    def submit(self, page: Response, action: str, **changes) -> Response:
        """Post the form of `page` whose action is `action`, with some fields changed."""
        fields = Form(page.text, action).as_dict()
        fields.update(changes)
        return self.request("POST", action, fields)

    def sign_in(self, username: str, password: str) -> Response:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": password})

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def path_of(location: str) -> str:
    """The path of a redirect's Location, absolute or not."""
    return urllib.parse.urlsplit(location).path


def take_assessment(client: Client, scores_by_order: dict[int, int] | None = None) -> str:
    """Start an assessment, answer every question (the option at the given position, else
    the first), submit, and return the path of its result. Raises on any unexpected answer."""
    client.get("/")
    response = client.post("/start/")
    if response.status != 302:
        raise AssertionError(f"start answered {response.status}")
    path = path_of(response.location)
    while "/q/" in path:
        page = client.get(path)
        options = re.findall(r'name="option" value="(\d+)"', page.text)
        if page.status != 200 or not options:
            raise AssertionError(f"{path} answered {page.status}")
        order = int(path.rstrip("/").rsplit("/", 1)[1])
        position = (scores_by_order or {}).get(order, 0)
        response = client.post(path, {"option": options[position], "direction": "next"})
        if response.status != 302:
            raise AssertionError(f"answering {path} answered {response.status}")
        path = path_of(response.location)
    submit = path.replace("/review/", "/submit/")
    response = client.post(submit)
    if response.status != 302 or not path_of(response.location).endswith("/results/"):
        raise AssertionError(f"submit answered {response.status} {response.location}")
    return path_of(response.location)
