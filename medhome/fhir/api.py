"""The FHIR R4 API at /fhir/: one NinjaAPI, its routers in order.

Operations (`$export`, `$...`) are mounted before the generic REST routes, whose
`/{type}/{id}` would otherwise read `/Patient/$export` as a read of id "$export".
"""

from ninja import NinjaAPI

from .bulk import router as bulk_router
from .rest import router as rest_router

api = NinjaAPI(
    title="medhome FHIR R4",
    version="4.0.1",
    urls_namespace="fhir",
    docs_url=None,  # the CapabilityStatement (/fhir/metadata) describes the API; no debug UI
    openapi_url=None,
)
api.add_router("", bulk_router)
api.add_router("", rest_router)
