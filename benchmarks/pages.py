"""Benchmark of the pages on gunicorn with production settings: requests per second and more.

Run from the project folder, with DATABASE_URL pointing at any database of the PostgreSQL server
to use (its role must be allowed to create databases) and REDIS_URL at a Redis database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kloormokers \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python benchmarks/pages.py

What it does, all by itself:

1. creates the database kloormokers_bench_pages (dropping a leftover one of that name),
   migrates it and runs `seed_demo` with a random strong password;
2. collects the static files into a temporary folder (whitenoise's manifest storage);
3. starts gunicorn (`--no-control-socket`, sync workers) with production settings (DEBUG off,
   a random SECRET_KEY, Redis cache, SMTP mail URL — GET requests send no mail) on a free
   port of 127.0.0.1, first with one worker, then with two. SECURE_SSL_REDIRECT is off (plain
   HTTP on the loopback), everything else is as in production. DJANGO_SETTINGS_MODULE is
   benchmarks.settings, which adds two floor views for this run only (benchmarks/urls.py):
   the base layout with empty blocks, and a plain "ok" through the same middleware;
4. logs the demo volunteer in over HTTP once and sends that session cookie (production cookies
   are `__Host-` and Secure: sent by hand) for the logged-in rows; anonymous rows send the CSRF
   cookie a visitor has after one page with a form, "1st visit" sends no cookie;
5. measures every page with wrk (Debian's `wrk`; installed with apt-get if missing, when run
   as root): one thread, two connections per worker, a one-second warm-up per page, then
   --rounds rounds of --seconds per page, interleaved; the best round counts. It also reads
   the gunicorn workers' CPU time (/proc) around each run: CPU milliseconds per request are
   steadier than requests per second when other work shares the machine;
6. counts each page's database queries in this process with Django's test client against the
   same database and cache (warm, as for every request but the first), and the HTML bytes of
   gunicorn's answer (uncompressed);
7. prints the table and drops the database.

Every page answers 200 or the script stops: a benchmark of error pages measures nothing.
Later features add their pages to PAGES. A script to run on purpose, not a test.

    .venv/bin/python benchmarks/pages.py --only / /impressum/ --workers 1   # some pages
    .venv/bin/python benchmarks/pages.py --profile /                        # cProfile instead
"""

import argparse
import http.client
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "kloormokers_bench_pages"
VOLUNTEER = "ehrenamt@demo.kloormokers.de"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    logged_in: bool = False
    first_visit: bool = False  # no cookie at all; else the CSRF cookie of an earlier form page


FLOOR_PLAIN = Page("floor: plain response", "/__floor/plain/")
FLOOR_LAYOUT = Page("floor: base layout", "/__floor/layout/")
FLOOR_FIRST = Page("floor: layout, 1st visit", "/__floor/layout/", first_visit=True)
FLOOR_LOGGED_IN = Page("floor: layout, logged in", "/__floor/layout/", logged_in=True)
# Every public page, and the account page. Later features add theirs here.
PAGES = [
    Page("start page", "/"),
    Page("imprint", "/impressum/"),
    Page("privacy", "/datenschutz/"),
    Page("accessibility (form)", "/barrierefreiheit/"),
    Page("easy language", "/leichte-sprache/"),
    Page("contact", "/kontakt/"),
    Page("log in", "/konto/login/"),
    Page("sign up", "/konto/signup/"),
    Page("password reset", "/konto/password/reset/"),
    Page("my account (logged in)", "/konto/", logged_in=True),
    # Vernetzung (demo: 300 associations)
    Page("directory", "/vereine/"),
    Page("directory, search", "/vereine/?q=Feuerwehr"),
    Page("directory map", "/vereine/karte/"),
    Page("opportunities", "/engagement/"),
    # Beratung (demo: three advisers with weekly times)
    Page("advice overview", "/beratung/"),
    Page("advice slots", "/beratung/termin/?topic=vereinsrecht"),
    Page("my advice (logged in)", "/konto/beratungen/", logged_in=True),
    # Infothek (demo: guides, programmes, news, FAQ)
    Page("Infothek overview", "/infothek/"),
    Page("guides", "/infothek/ratgeber/"),
    Page("guides, filtered", "/infothek/ratgeber/?topic=vereinsgruendung&audience=boards"),
    Page("news", "/infothek/neuigkeiten/"),
    Page("FAQ", "/infothek/fragen/"),
    Page("Infothek search", "/infothek/suche/?q=Verein"),
    Page("Infothek search, nothing found", "/infothek/suche/?q=Quastenflosser"),
    # Infothek: Förderprogramme (demo: the funding programmes of infothek/demo.py)
    Page("funding programmes", "/infothek/foerderprogramme/"),
    Page("funding programmes, filtered", "/infothek/foerderprogramme/?funder=state&within=12"),
    Page("funding programmes, closed too", "/infothek/foerderprogramme/?open=0"),
    Page("programme feed (Atom)", "/infothek/foerderprogramme/feed/"),
    Page("deadline calendar (ICS)", "/infothek/foerderprogramme/fristen.ics"),
    Page("news feed (Atom)", "/infothek/neuigkeiten/feed/"),
    Page("my deadlines (logged in)", "/konto/fristen/", logged_in=True),
    # Newsletter
    Page("newsletter sign-up", "/newsletter/"),
    Page("newsletter archive", "/newsletter/archiv/"),
    Page("my newsletter (logged in)", "/konto/newsletter/", logged_in=True),
    # Qualifizierung (course pages need the demo's courses: add them with the demo data)
    Page("training catalogue", "/fortbildungen/"),
    Page("training catalogue, filtered", "/fortbildungen/?q=Verein&free=1&seats=1"),
    Page("course page", "/fortbildungen/kurs/vereinsrecht-kompakt/"),
    Page("training feed (ICS)", "/fortbildungen/kalender.ics"),
    Page("course wish (logged in)", "/fortbildungen/wunsch/", logged_in=True),
    Page("my trainings (logged in)", "/konto/fortbildungen/", logged_in=True),
    # Qualifizierung: the public check of a certificate's code (the form)
    Page("certificate check", "/fortbildungen/bescheinigung/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=3, help="measured seconds per page")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best rate counts")
    parser.add_argument("--workers", default="1,2", help="gunicorn worker counts, e.g. 1,2")
    parser.add_argument("--only", nargs="*", metavar="PATH", help="measure only these pages")
    parser.add_argument(
        "--profile", metavar="PATH", help="profile PATH in this process instead (cProfile)"
    )
    arguments = parser.parse_args()
    if not arguments.profile:
        wrk = _wrk()

    with production_site(BENCH_DATABASE) as (environment, password):
        if arguments.profile:
            _profile(arguments.profile)
            return
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        print(
            f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, PostgreSQL {server}, {_version([wrk, '-v'])}, "
            f"gunicorn sync workers, {arguments.seconds} s per page"
        )
        pages = [FLOOR_PLAIN, FLOOR_LAYOUT, FLOOR_FIRST, FLOOR_LOGGED_IN]
        pages += [page for page in PAGES if not arguments.only or page.path in arguments.only]
        rates: dict[int, dict[Page, float]] = {}
        cpu: dict[Page, float] = {}
        sizes: dict[Page, int] = {}
        cookies: dict[str, str] = {}
        visitor: dict[str, str] = {}
        for workers in [int(w) for w in arguments.workers.split(",")]:
            port = _free_port()
            with _gunicorn(workers, port, environment) as server:
                if not cookies:
                    cookies = _log_in(port, VOLUNTEER, password)
                    visitor = _visit(port, "/konto/login/")
                headers = {
                    page: ""
                    if page.first_visit
                    else _cookie_header(cookies if page.logged_in else visitor)
                    for page in pages
                }
                for page in pages:
                    sizes[page] = _fetch_size(port, page, headers[page])
                    _wrk_run(wrk, server, page, headers[page], workers, seconds=1)  # warm-up
                # Several rounds through all pages, the best of each counts: other work on the
                # machine slows single runs down, never speeds them up.
                rates[workers] = dict.fromkeys(pages, 0.0)
                for _ in range(arguments.rounds):
                    for page in pages:
                        rate, cpu_ms = _wrk_run(
                            wrk, server, page, headers[page], workers, seconds=arguments.seconds
                        )
                        rates[workers][page] = max(rates[workers][page], rate)
                        if workers == 1:
                            cpu[page] = min(cpu.get(page, float("inf")), cpu_ms)
        queries = {page: _count_queries(page, cookies) for page in pages}
        _print_table(pages, rates, cpu, queries, sizes)


@contextmanager
def production_site(database: str):
    """The portal with production settings on a fresh, seeded database of its own.

    Sets the environment (also for gunicorn), sets up Django in this process, creates the
    database (dropping a leftover one), migrates, runs seed_demo with a random password and
    collects the static files (manifest, compressed) into a temporary folder. Yields the
    environment for gunicorn and the demo password; drops the database afterwards.
    """
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kloormokers")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    static_root = tempfile.mkdtemp(prefix="kloormokers-bench-static-")
    environment = {
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # A prefix of its own: nothing of another run or of the portal is read from the cache.
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "CELERY_BROKER_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "EMAIL_URL": "smtp://127.0.0.1:25",  # GET requests send no mail
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback
        "STATIC_ROOT": static_root,
        "DATABASE_URL": base_url,
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    original_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = database
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    password = secrets.token_urlsafe(24)
    try:
        call_command("seed_demo", password=password, stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("collectstatic", interactive=False, verbosity=0)
        environment["DATABASE_URL"] = _with_database(base_url, settings.DATABASES["default"])
        yield environment, password
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        shutil.rmtree(static_root, ignore_errors=True)


def _wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk (the HTTP load generator) is missing: installing Debian's wrk with apt-get …")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)  # noqa: S607
        wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("The benchmark needs wrk: apt-get install wrk")
    return wrk


def _version(command: list[str]) -> str:
    output = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    return (output.stdout or output.stderr).split("[")[0].strip().split(" Copyright")[0]


def _with_database(url: str, database: dict) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database['NAME']}"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class _gunicorn:
    """gunicorn with production settings on the benchmark database, stopped on exit."""

    def __init__(self, workers: int, port: int, environment: dict):
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "kloormokers.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            "--log-level",
            "warning",
        ]
        self.port = port
        self.environment = {**os.environ, **environment}

    def __enter__(self):
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.environment)  # noqa: S603
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _request(self.port, "GET", "/health/")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                sys.exit("gunicorn did not start (see above)")
            time.sleep(0.2)
        self.process.terminate()
        sys.exit("gunicorn did not answer /health/ within 30 seconds")

    def cpu_seconds(self) -> float:
        """CPU time (user and system) of the worker processes so far."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that just ended
            if int(fields[1]) == self.process.pid:  # parent: the gunicorn master
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()  # never leave a server of the run behind
            self.process.wait()


def _request(port: int, method: str, path: str, *, body: str = "", headers: dict | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        return response.status, response.msg, content
    finally:
        connection.close()


def _collect(cookies: dict[str, str], message) -> None:
    for header in message.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            cookies[name] = morsel.value


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _log_in(port: int, email: str, password: str) -> dict[str, str]:
    """Log in through the real form once; the cookies a browser would then send.

    Production cookies are `__Host-` and Secure, which a client keeps to HTTPS: they are read
    from Set-Cookie and sent back by hand.
    """
    cookies: dict[str, str] = {}
    status, message, content = _request(port, "GET", "/konto/login/")
    _collect(cookies, message)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if status != 200 or not token:
        sys.exit(f"The login page answered {status} without a CSRF token")
    form = {"csrfmiddlewaretoken": token.group(1).decode(), "login": email, "password": password}
    status, message, _ = _request(
        port,
        "POST",
        "/konto/login/",
        body=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(cookies),
        },
    )
    _collect(cookies, message)
    if status != 302:
        sys.exit(f"Logging in {email} answered {status}, not a redirect")
    # The first page after logging in sets the language cookie a browser then keeps.
    status, message, _ = _request(
        port, "GET", "/konto/", headers={"Cookie": _cookie_header(cookies)}
    )
    _collect(cookies, message)
    if status != 200:
        sys.exit(f"The account page answered {status} after logging in")
    return cookies


def _visit(port: int, path: str) -> dict[str, str]:
    """The cookies of an anonymous visitor who has seen a page with a form: the CSRF cookie
    (a page without a form sets none)."""
    cookies: dict[str, str] = {}
    _collect(cookies, _request(port, "GET", path)[1])
    return cookies


def _fetch_size(port: int, page: Page, cookie_header: str) -> int:
    headers = {"Cookie": cookie_header} if cookie_header else {}
    status, _, content = _request(port, "GET", page.path, headers=headers)
    if status != 200:
        sys.exit(f"{page.path} answered {status}, not 200")
    return len(content)


def _wrk_run(
    wrk: str, server: "_gunicorn", page: Page, cookie: str, workers: int, *, seconds: int
) -> tuple[float, float]:
    """Requests per second, and the workers' CPU milliseconds per request."""
    command = [wrk, "-t1", f"-c{2 * workers}", f"-d{seconds}s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://{HOST}:{server.port}{page.path}")
    cpu_before = server.cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    cpu_used = server.cpu_seconds() - cpu_before
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if failed or (errors and re.search(r"(read|write|timeout) [1-9]", errors.group(1))):
        sys.exit(f"{page.path}: not every request succeeded:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, cpu_used * 1000 / requests


def _client(cookies: dict[str, str]):
    from django.test import Client

    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def _count_queries(page: Page, cookies: dict[str, str]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(cookies if page.logged_in else {})
    client.get(page.path)  # the cache is warm in production too
    with CaptureQueriesContext(connection) as queries:
        status = client.get(page.path).status_code
    if status != 200:
        sys.exit(f"{page.path} answered {status} to the test client")
    return len(queries)


def _profile(path: str) -> None:
    """cProfile of 300 renders of one page by the test client: where the time goes."""
    import cProfile
    import pstats

    client = _client({})
    for measured in (FLOOR_PLAIN.path, FLOOR_LAYOUT.path, path):
        for _ in range(50):
            client.get(measured)
        started = time.perf_counter()
        for _ in range(500):
            client.get(measured)
        print(f"{measured}: {(time.perf_counter() - started) * 2:.3f} ms per request (test client)")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(300):
        client.get(path)
    profiler.disable()
    print(f"{path}: {(time.perf_counter() - started) / 300 * 1000:.2f} ms per request (profiled)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def _print_table(pages, rates, cpu, queries, sizes) -> None:
    worker_counts = list(rates)
    head = f"{'page':<25} {'path':<23}"
    for workers in worker_counts:
        head += f" {'req/s ' + str(workers) + 'w':>9} {'×floor':>6}"
    head += f" {'CPU ms':>6} {'×floor':>6} {'queries':>7} {'HTML bytes':>10}"
    print(head)
    for page in pages:
        line = f"{page.label:<25} {page.path:<23}"
        for workers in worker_counts:
            rate = rates[workers][page]
            line += f" {rate:>9,.0f} {rates[workers][FLOOR_LAYOUT] / rate:>6.2f}"
        line += f" {cpu[page]:>6.2f} {cpu[page] / cpu[FLOOR_LAYOUT]:>6.2f}"
        line += f" {queries[page]:>7} {sizes[page]:>10,}"
        print(line)
    print(
        "×floor: the page's time per request / the base layout's (by rate, and by the "
        "worker's CPU time per request, 1 worker)"
    )
    for workers in worker_counts:
        ratio = rates[workers][FLOOR_PLAIN] / rates[workers][FLOOR_LAYOUT]
        print(f"{workers} worker(s): the base layout takes {ratio:.2f}× the plain response's time")
    print(
        f"CPU: the base layout takes {cpu[FLOOR_LAYOUT] / cpu[FLOOR_PLAIN]:.2f}× the plain "
        "response's CPU time"
    )


if __name__ == "__main__":
    main()
