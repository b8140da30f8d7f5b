from django.urls import path

from . import views

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
    path("care-plans/links/<uuid:plan_link_id>/revoke/", views.revoke_link, name="revoke_link"),
    path("care-plans/<uuid:plan_id>/print/", views.print_plan, name="print"),
    # The family's pages: the token is the only key.
    path("p/<str:token>/", views.family_plan, name="family_plan"),
    path("p/<str:token>/goals/<uuid:goal_id>/", views.family_goal, name="family_goal"),
    path("p/<str:token>/print/", views.family_print, name="family_print"),
]
