import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medhome.settings")
application = get_wsgi_application()
# Everything loaded so far (modules, settings, URL patterns, the FHIR registry) lives as long as
# the process: moved out of the collector's sight, so a full collection scans only what requests
# made (a full collection over the ≈ 185,000 objects of a loaded app stalls a request).
gc.freeze()
