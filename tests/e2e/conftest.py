"""Browser fixtures for end-to-end tests: pytest-playwright driving the system Chromium against
pytest-django's ``live_server``.

Reuse them in any app's browser test::

    @pytest.mark.browser
    def test_something(logged_in_page, live_server):
        page = logged_in_page                 # signed in as admin@acme.test (role admin) in "Acme"
        page.goto(live_server.url + "/settings/")
        screenshot(page, "settings")          # → var/screenshots/settings.png

``login(page, live_server, email, password)`` signs in through the real form. Tests are skipped
with a clear reason when no Chromium binary is installed (``apt-get install -y chromium``)."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run there
# unless told it is safe (it is: the loop is idle while the test's own code runs).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
E2E_PASSWORD = "e2e-correct-horse-battery"


def chromium_path() -> str | None:
    configured = os.environ.get("PARLEY_CHROMIUM")
    candidates = (configured,) if configured else CHROMIUM_CANDIDATES
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium binary: install one (apt-get install -y chromium) or set PARLEY_CHROMIUM")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1360, "height": 860}, "locale": "en-US"}


@pytest.fixture
def page_errors(page):
    """JavaScript errors raised on the page during the test, and anything the page's
    Content-Security-Policy blocked (assert it stays empty)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save ``var/screenshots/<name>.png`` (gitignored) for a human to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def login(page, live_server, email: str, password: str = E2E_PASSWORD) -> None:
    """Sign in through the login form and wait for the page after it."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def e2e_admin(transactional_db):
    """An organization "Acme" with an admin who has a known password."""
    from helpdesk.models import Role
    from tests.factories import MembershipFactory, OrganizationFactory

    organization = OrganizationFactory(name="Acme", slug="acme-e2e")
    membership = MembershipFactory(
        organization=organization,
        role=Role.ADMIN,
        user__email="admin@acme.test",
        user__first_name="Ada",
        user__last_name="Admin",
    )
    membership.user.set_password(E2E_PASSWORD)
    membership.user.save()
    return membership


@pytest.fixture
def webhook_receiver():
    """A real HTTP receiver on 127.0.0.1 for webhook deliveries (allow-list 127.0.0.1 first)."""
    from tests.fakes.webhook_receiver import WebhookReceiver

    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def logged_in_page(page, live_server, e2e_admin):
    """A Playwright page signed in (through the form) as ``e2e_admin``."""
    login(page, live_server, e2e_admin.user.email)
    return page


def pytest_collection_modifyitems(config, items):
    """Browser tests drive a real Chromium against a live server on a 2-core machine shared with
    the rest of the suite: give each one a single rerun on failure (a real bug fails twice)."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))
