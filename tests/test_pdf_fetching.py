"""PDFs fetch only the project's own static files (security catalogue, item 12): an image or
stylesheet naming file://, http:// or anything outside STATIC_URL is left out, never read."""

import base64
import http.server
import threading

import pytest
from PIL import Image

from medhome.core import pdf

IMAGE_MARK = b"/Subtype /Image"


@pytest.fixture
def http_hits():
    """A local web server that counts the requests it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def png_file(tmp_path):
    path = tmp_path / "secret.png"
    Image.new("RGB", (8, 8), "red").save(path)
    return path


def test_http_urls_are_not_requested(http_hits):
    base, hits = http_hits
    html = (
        f'<link rel="stylesheet" href="{base}/style.css"><p>Plan</p>'
        f'<img src="{base}/pixel.png"><img src="https://127.0.0.1:1/x.png">'
    )
    pdf.render_pdf(html)
    assert hits == []


def test_weasyprint_alone_would_request_them(http_hits):
    """The control: the check above would see a request if one were made."""
    from weasyprint import HTML

    base, hits = http_hits
    HTML(string=f'<img src="{base}/pixel.png">').write_pdf()
    assert hits == ["/pixel.png"]


def test_file_urls_are_not_read(png_file):
    from weasyprint import HTML

    html = f'<p>Plan</p><img src="file://{png_file}"><img src="file:///etc/passwd">'
    assert IMAGE_MARK in HTML(string=html).write_pdf()  # the control: WeasyPrint alone reads it
    assert IMAGE_MARK not in pdf.render_pdf(html)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/careplan/print.css",
        "ftp://example.org/x",
        "https://medhome.invalid/etc/passwd",
        "https://medhome.invalid/static/../../../etc/passwd",
        "https://medhome.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://medhome.invalid/static/careplan/missing.css",
    ],
)
def test_the_fetcher_refuses(url):
    with pytest.raises(pdf.Refused):
        pdf.fetch(url)


def test_the_fetcher_serves_the_projects_static_files():
    content, mime_type = pdf.fetch(pdf.static_url("careplan/print.css"))
    assert mime_type == "text/css" and content


def test_a_static_image_and_a_data_url_are_drawn(png_file, tmp_path, settings):
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path]
    html = f'<img src="/static/{png_file.name}">'
    assert IMAGE_MARK in pdf.render_pdf(html)
    data = "data:image/png;base64," + base64.b64encode(png_file.read_bytes()).decode()
    assert IMAGE_MARK in pdf.render_pdf(f'<img src="{data}">')


def test_collected_static_files_are_served_too(tmp_path, settings):
    """In production {% static %} names hashed files that exist only in STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "careplan").mkdir()
    (tmp_path / "careplan" / "print.0123abcd.css").write_text("body { margin: 0 }")

    content, mime_type = pdf.fetch(pdf.static_url("careplan/print.0123abcd.css"))

    assert content == b"body { margin: 0 }" and mime_type == "text/css"
