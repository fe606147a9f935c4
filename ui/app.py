"""The app: the stakeholder view at ``/`` and the consultant view at ``/consultant``, on one FastAPI app.

``build_app(settings)`` returns the ASGI app (tests run it in-process with uvicorn);
``serve(settings, host, port)`` is what ``maturity ui`` runs.

Consultant authentication is Gradio's own login on the ``/consultant`` mount
(``gr.mount_gradio_app(..., auth=...)``): the page, its config and every one of its API, queue,
upload and file routes answer 401 without the session cookie that ``/consultant/login`` sets for
``MATURITY_CONSULTANT_USER`` / ``MATURITY_CONSULTANT_PASSWORD``. Without a password the consultant
mount holds only a message saying how to enable it.

Queues, chosen for a small (2-core) server where one embedding model serves everyone:

* stakeholder: ``default_concurrency_limit=4`` with the embedded engine. A turn costs ~55 ms of
  server CPU (mostly embedding the answer, which the embedder's lock serialises, plus two
  committed SQLite writes); measured with ``evals/load.py``, throughput is ~17 turns/s at 1, 2
  or 4 workers, so more workers only interleave turns. Four let one turn's database writes
  overlap another's embedding and keep a slow write from stalling everyone. With an LLM engine a
  turn waits seconds on the network instead, so 16 run at once. ``max_size=128``: at ~17 turns/s
  a full queue is ~8 s of waiting, beyond which a stakeholder is better told "busy, retry"
  than left hanging (each stakeholder has at most one turn queued).
* consultant: ``default_concurrency_limit=2`` (a few consultants, light reads) and ``max_size=32``;
  ingest, evaluation and report building share one worker (``concurrency_id``), since each keeps
  a core busy for seconds and must not starve the interviews.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ui.services import Services

STAKEHOLDER_QUEUE = {"default_concurrency_limit": 4, "max_size": 128}
STAKEHOLDER_LLM_CONCURRENCY = 16
CONSULTANT_QUEUE = {"default_concurrency_limit": 2, "max_size": 32}
MAX_UPLOAD = "50mb"
CONSULTANT_PATH = "/consultant"


def consultant_auth(settings: Settings) -> Callable[[str, str], bool] | None:
    """A constant-time check of the consultant's user name and password; None when no password is set."""
    secret = settings.consultant_password.get_secret_value() if settings.consultant_password else ""
    if not secret:
        return None
    user = settings.consultant_user

    def check(username: str, password: str) -> bool:
        user_ok = secrets.compare_digest(username.encode("utf-8"), user.encode("utf-8"))
        password_ok = secrets.compare_digest(password.encode("utf-8"), secret.encode("utf-8"))
        return user_ok and password_ok

    return check


def build_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """The ASGI app; loads the services (model, knowledge base, engine) unless given."""
    import gradio as gr
    from fastapi import FastAPI
    from gradio.utils import get_cache_folder, get_upload_folder

    from ui.consultant import build_consultant, build_disabled
    from ui.services import EMBEDDED, load_services
    from ui.stakeholder import CSS, build_stakeholder

    services = services or load_services(settings)
    app = FastAPI(title="MLOps maturity assistant", docs_url=None, redoc_url=None, openapi_url=None)
    add_health_route(app, services)

    auth = consultant_auth(settings)
    consultant = build_disabled() if auth is None else build_consultant(services)
    consultant.queue(**CONSULTANT_QUEUE)  # type: ignore[arg-type]
    # The consultant mount comes first: a mount at "/" would otherwise take its requests.
    gr.mount_gradio_app(
        app,
        consultant,
        path=CONSULTANT_PATH,
        auth=auth,
        auth_message="Consultant login (MATURITY_CONSULTANT_USER / MATURITY_CONSULTANT_PASSWORD).",
        footer_links=[],
        run_history=False,
        max_file_size=MAX_UPLOAD,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        css=CSS,
    )

    # Gradio checks that a file path sent to an API ("{'path': '/etc/passwd'}") was uploaded by a
    # user only once the Blocks "has launched", which a mounted app never does: without this, a
    # client could have any file the server can read copied into gradio's cache and served back.
    consultant.has_launched = True

    stakeholder = build_stakeholder(services)
    queue = dict(STAKEHOLDER_QUEUE)
    if (settings.llm or "embedded").strip() not in EMBEDDED:
        queue["default_concurrency_limit"] = STAKEHOLDER_LLM_CONCURRENCY
    stakeholder.queue(**queue)  # type: ignore[arg-type]
    # Gradio serves its upload and cache folders from every mount; they hold the consultant's
    # reports and documents, so the stakeholder mount (no login) is barred from them.
    private = [get_upload_folder(), str(get_cache_folder().resolve())]
    stakeholder.has_launched = True  # the same file-path check (it has no file inputs today)
    gr.mount_gradio_app(
        app,
        stakeholder,
        path="/",
        blocked_paths=private,
        footer_links=[],
        run_history=False,
        max_file_size="2mb",
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        css=CSS,
    )
    from ui.middleware import HideApiInfoBeforeLogin, RefuseUnknownEndpoints

    app.add_middleware(HideApiInfoBeforeLogin, prefix=CONSULTANT_PATH)
    stakeholder_names = frozenset(str(fn.api_name) for fn in stakeholder.fns.values() if fn.api_name)
    app.add_middleware(RefuseUnknownEndpoints, prefix="", names=stakeholder_names, exclude=CONSULTANT_PATH)
    return app


def add_health_route(app: FastAPI, services: Services) -> None:
    """``GET /healthz``: 200 ``{"status": "ready"}`` once the model and knowledge base are loaded,
    503 while they load ("starting") or if loading failed ("failed", with the reason).

    The pages answer as soon as the server is up (liveness); this says when interviews can run
    without waiting (readiness), for a load balancer or a start-up script."""
    from fastapi.responses import JSONResponse

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        status = services.status
        body: dict[str, object] = {"status": status, "load_seconds": round(services.load_seconds, 2)}
        if status == "failed":
            body["error"] = services.failure
        return JSONResponse(body, status_code=200 if status == "ready" else 503)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the pages at once and load the model and knowledge base behind them (what ``maturity ui`` runs).

    Importing torch and sentence-transformers and loading the model take about two thirds of
    startup on a 2-core machine; the pages do not need them, so the server answers first and a
    request that needs the model waits for it (``ui.services.STARTUP_WAIT_S``)."""
    import uvicorn

    from assistant.persistence import Database
    from ui.services import Services

    started = time.perf_counter()

    def loaded(services: Services) -> None:
        elapsed = time.perf_counter() - started
        if services.failure is not None:
            print(f"could not load the model or knowledge base after {elapsed:.1f} s: {services.failure}", flush=True)
        else:
            print(f"ready in {elapsed:.1f} s: model and knowledge base loaded", flush=True)

    services = Services(settings, Database(settings.resolved_database_url))
    app = build_app(settings, services)
    services.load_in_background(loaded)
    print(
        f"serving in {time.perf_counter() - started:.1f} s: http://{host}:{port}/ (consultant: /consultant/); "
        "loading the model and knowledge base",
        flush=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
