from django.urls import include, path

from medhome.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("medhome.ops.urls")),  # readyz: by name, so no app imports ops
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("medhome.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("medhome.smart.urls")),
    path("fhir/", include("medhome.fhir.urls")),
    path("", include("medhome.exchange.urls")),
    path("openreferral/", include("medhome.directory.openreferral_urls")),
    path("practice/connections/", include("medhome.exchange.urls_staff")),
    path("practice/", include("medhome.practices.urls")),
    path("team/", include("medhome.staff.urls")),
    path("", include("medhome.screening.urls")),
    path("", include("medhome.referrals.urls")),
    path("", include("medhome.nextsteps.urls")),
    path("", include("medhome.tasks.urls")),
    path("", include("medhome.timeline.urls")),
    path("", include("medhome.events.urls")),
    path("", include("medhome.visits.urls")),
    path("", include("medhome.ehr.urls")),
    path("", include("medhome.growth.urls")),
    path("", include("medhome.careplan.urls")),
    path("", include("medhome.notes.urls")),
    path("", include("medhome.breakglass.urls")),
    path("", include("medhome.programs.urls")),
    path("", include("medhome.huddle.urls")),
    path("", include("medhome.measures.urls")),
    path("", include("medhome.messaging.urls")),
    path("", include("medhome.billing.urls")),
    path("", include("medhome.casereview.urls")),
    path("", include("medhome.groupcare.urls")),
    path("", include("medhome.parentgroups.urls")),
    path("", include("medhome.experience.urls")),
    path("", include("medhome.council.urls")),
    path("", include("medhome.improvement.urls")),
    path("", include("medhome.ehr.visit_urls")),
    path("", include("medhome.families.urls")),
    path("", include("medhome.portal.pages.urls")),
]

handler400 = "medhome.core.views.bad_request"
handler404 = "medhome.core.views.not_found"
handler500 = "medhome.core.views.server_error"
handler403 = "medhome.core.views.forbidden"
