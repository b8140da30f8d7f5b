from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from . import curve_images

# The version in the URL names the drawing: an image asked for by its current version never
# changes, so the browser (and any proxy: it is published reference data, nothing of a child)
# keeps it for a year; an older version's URL, from a page opened before a release, gets the
# current drawing for a short while only.
CURRENT = "public, max-age=31536000, immutable"
OTHER_VERSION = "public, max-age=300"


@require_GET
def curves(request: HttpRequest, reference_key: str, sex: str) -> HttpResponse:
    """The percentile curves of a growth reference for a sex at birth, as an SVG image; no
    login, as it holds no one's data (growth.curve_images)."""
    drawn = curve_images.image(reference_key, sex)
    if drawn is None:
        raise Http404
    response = HttpResponse(drawn.svg, content_type="image/svg+xml")
    response["Cache-Control"] = CURRENT if request.GET.get("v") == drawn.version else OTHER_VERSION
    return response
