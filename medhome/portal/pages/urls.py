from django.urls import path

from . import careplan, experience, parentgroups, referrals, screening, staff

app_name = "portal"
urlpatterns = [
    # Staff: every live link of a child's family, and revoking one.
    path("children/<uuid:child_id>/family-links/", staff.family_links, name="family_links"),
    path("family-links/<uuid:link_id>/revoke/", staff.revoke, name="revoke"),
    # The family's pages: the token is the only key, so it sits in the path, never in a query.
    path("f/<str:token>/", screening.family_start, name="screening_start"),
    path("f/<str:token>/done/", screening.family_done, name="screening_done"),
    path("f/<str:token>/agenda/", screening.family_agenda, name="screening_agenda"),
    path("f/<str:token>/<slug:instrument_key>/", screening.family_form, name="screening_form"),
    path("p/<str:token>/", careplan.family_plan, name="plan"),
    path("p/<str:token>/goals/<uuid:goal_id>/", careplan.family_goal, name="plan_goal"),
    path("p/<str:token>/print/", careplan.family_print, name="plan_print"),
    path("r/<str:token>/", referrals.family_status, name="referral_status"),
    path("g/<str:token>/", parentgroups.family_groups, name="parent_groups"),
    path("e/<str:token>/", experience.family_survey, name="experience"),
]
