"""``/widget.js`` and its alias ``/nova-widget-sdk-v2.js``: the embeddable chat widget, served from
our static files at a stable address (customers' pages cannot follow hashed static names), with
an ETag so browsers revalidate cheaply and a short max-age so a new release reaches them soon."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

SCRIPT = "widget/widget.js"
MAX_AGE_SECONDS = 300


@lru_cache(maxsize=1)
def _script() -> tuple[bytes, str]:
    path = finders.find(SCRIPT)
    if not path:
        raise Http404("The widget script is missing from the static files.")
    with open(path, "rb") as handle:
        body = handle.read()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


@require_safe
def widget_script(request):
    body, etag = _script()
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"  # a public script; lets pages load it with crossorigin
    response["X-Content-Type-Options"] = "nosniff"
    return response
