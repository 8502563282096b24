"""Where ANCT opens accounts: a person, their organisation and their roles on a scope (ProConnect never creates one)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AuditEvent, Notification, Organisation, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    fields = ["role", "region_code", "departement_code", "phase_slug", "territory_code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [
        *DjangoUserAdmin.fieldsets[:1],
        ("Identité", {"fields": ["first_name", "last_name", "email", "organisation"]}),
        *DjangoUserAdmin.fieldsets[2:],
    ]
    inlines = [RoleAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["is_active", "is_staff", "roles__role", "organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["username", "email", "first_name", "last_name", "organisation__name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "operator", "region_code", "departement_code", "siren"]
    list_filter = ["kind", "operator"]
    search_fields = ["name", "siren"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the trail is written by the code that makes each change."""

    list_display = ["at", "actor", "action", "object_repr", "territory_code"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["object_repr", "territory_code", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read only: what was e-mailed to whom, and whether it left (the tasks themselves: « Task Results »)."""

    list_display = ["created_at", "recipient", "subject", "sent_at", "error"]
    list_filter = ["kind", "sent_at"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username", "recipient__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
