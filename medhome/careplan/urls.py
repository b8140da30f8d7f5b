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
    path("care-plans/<uuid:plan_id>/print/", views.print_plan, name="print"),
]
