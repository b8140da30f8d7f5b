"""Every PDF medhome makes goes through `render_pdf`, whose URL fetcher serves only the project's
own static files (security catalogue, item 12).

WeasyPrint's default fetcher opens any URL a document names: `file:///etc/passwd`, an internal
`http://` address (SSRF), `ftp:`. Templates escape what families type, but one unescaped value
would be enough, so nothing outside STATIC_URL is fetched: such an image or stylesheet is left out
of the PDF (WeasyPrint logs a warning and renders the rest). `data:` URLs carry their content
inline and fetch nothing, so they are allowed.
"""

import mimetypes
import posixpath
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

# The documents' base URL: relative and /static/ URLs resolve under it. `.invalid` is reserved
# (RFC 2606): no request can ever reach such a host, even if a fetcher tried.
BASE_URL = "https://medhome.invalid/"


class Refused(ValueError):
    """Not one of the project's static files; WeasyPrint skips the resource (not fatal)."""


def static_path(url: str) -> str:
    """The static file a URL names, as a path relative to STATIC_URL, or Refused."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise Refused(f"not fetched (only the project's static files are): {parts.scheme}:")
    path = unquote(parts.path)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    normal = posixpath.normpath(path)
    if not normal.startswith(prefix) or normal != path:
        raise Refused("not fetched: outside the static files")
    return normal.removeprefix(prefix)


def fetch(url: str) -> tuple[bytes, str]:
    """(content, MIME type) of a static file the URL names; Refused for anything else.

    The source files first (what `finders` finds), then the collected ones: in production
    `{% static %}` gives hashed names that exist only in STATIC_ROOT.
    """
    name = static_path(url)
    try:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                content = handle.read()
        elif staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as handle:
                content = handle.read()
        else:
            raise Refused("not fetched: no such static file")
    except SuspiciousFileOperation:
        raise Refused("not fetched: outside the static files") from None
    return content, mimetypes.guess_type(name)[0] or "application/octet-stream"


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                # urllib's DataHandler decodes the URL itself; the parent allows no other scheme.
                return super().fetch(url, headers)
            content, mime_type = fetch(url)
            return URLFetcherResponse(url, content, {"Content-Type": mime_type})

    return StaticOnlyFetcher(allowed_protocols=("data",), allow_redirects=False)


def static_url(name: str) -> str:
    """The URL under which a document names static file `name` (e.g. careplan/print.css)."""
    return BASE_URL.rstrip("/") + "/" + settings.STATIC_URL.strip("/") + "/" + name


def render_pdf(html: str, *, stylesheets: Sequence[str] = ()) -> bytes:
    """`html` as a PDF, with `stylesheets` (static file names) applied after its own styles."""
    from weasyprint import CSS, HTML  # imported here: heavy, and only printing needs it

    fetcher = _fetcher()
    styles = [CSS(url=static_url(name), url_fetcher=fetcher) for name in stylesheets]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=styles)
