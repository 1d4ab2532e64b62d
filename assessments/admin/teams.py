"""Django admin for what teams keep: assessments, teams, invitations, share links, rounds,
actions and targets, and the accounts. Assessments and rounds are read-only here: they change
through the app, where their rules are enforced."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from assessments.forms import AdminUserChangeForm
from assessments.models import (
    Action,
    ActionChange,
    Assessment,
    Invitation,
    Membership,
    Round,
    ShareLink,
    Target,
    Team,
)
from assessments.services import accounts


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "status", "version", "total_score", "level", "owner"]
    list_filter = ["status", "version__questionnaire", "version"]
    list_select_related = ["version__questionnaire", "level", "owner"]
    search_fields = ["owner__username", "owner__email"]
    date_hierarchy = "created_at"


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "members__username"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["team", "created_by", "created_at", "expires_at", "used_at", "revoked_at"]
    list_filter = ["team"]
    list_select_related = ["team", "created_by"]
    readonly_fields = ["token", "used_at", "used_by"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["assessment", "created_by", "created_at", "revoked_at"]
    list_select_related = ["assessment", "created_by"]
    # A link stays with the result it was made for: moving it would show another result.
    readonly_fields = ["token", "assessment", "created_by"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    """Django's user admin, refusing an email address another account already has, and the
    deletion of a team's only owner (the team must be handed over or deleted first, as the
    app itself asks)."""

    form = AdminUserChangeForm

    def has_delete_permission(self, request, obj=None):
        if obj is not None and accounts.teams_only_owned_by(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "team", "opened_at", "closes_on", "closed_at", "agreed_by"]
    list_filter = ["team"]
    list_select_related = ["team"]
    search_fields = ["title", "team__name"]


class ActionChangeInline(admin.StackedInline):
    model = ActionChange
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["text", "team", "owner", "due_on", "status"]
    list_filter = ["status", "team"]
    list_select_related = ["team", "owner"]
    search_fields = ["text", "team__name"]
    inlines = [ActionChangeInline]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["team", "level", "due_on", "set_at"]
    list_select_related = ["team", "level"]
