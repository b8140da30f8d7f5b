from django.urls import path

from . import outside_views, views

app_name = "careplan"
urlpatterns = [
    path("children/<uuid:child_id>/care-plan/", views.plan_page, name="plan"),
    path("care-plans/<uuid:plan_id>/edit/", views.edit_plan, name="edit_plan"),
    path("care-plans/<uuid:plan_id>/team/", views.add_member, name="add_member"),
    path("care-plans/team/<uuid:member_id>/", views.edit_member, name="edit_member"),
    path("care-plans/<uuid:plan_id>/goals/", views.add_goal, name="add_goal"),
    path("care-plans/goals/<uuid:goal_id>/", views.edit_goal, name="edit_goal"),
    path("care-plans/goals/<uuid:goal_id>/notes/", views.add_note, name="add_note"),
    path("care-plans/<uuid:plan_id>/actions/", views.add_action, name="add_action"),
    path("care-plans/actions/<uuid:action_id>/", views.edit_action, name="edit_action"),
    path("care-plans/<uuid:plan_id>/family-link/", views.create_link, name="create_link"),
    path("care-plans/<uuid:plan_id>/print/", views.print_plan, name="print"),
    # Outside members of the care team: the practice's side …
    path(
        "care-plans/<uuid:plan_id>/outside-members/",
        outside_views.invite,
        name="outside_members",
    ),
    path(
        "care-plans/outside-members/<uuid:outside_member_id>/consent/",
        outside_views.consent,
        name="outside_consent",
    ),
    path(
        "care-plans/outside-members/<uuid:outside_member_id>/revoke/",
        outside_views.revoke,
        name="outside_revoke",
    ),
    # … and the outside member's own pages (a partner organization's login).
    path("outside/children/", outside_views.children, name="outside_children"),
    path(
        "outside/care-teams/<uuid:outside_member_id>/",
        outside_views.plan,
        name="outside_plan",
    ),
    path(
        "outside/care-teams/<uuid:outside_member_id>/notes/",
        outside_views.note,
        name="outside_note",
    ),
]
