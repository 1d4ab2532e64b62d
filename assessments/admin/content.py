"""Django admin for the questionnaire content: versions, questions, options, levels, references.

Drafts are edited freely. Published and retired versions show their structure read-only;
their levels' names, descriptions, guidance and references stay editable (living advice).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assessments import converters  # noqa: F401  (registers <number:…>)
from assessments.forms import AnswerForm
from assessments.models import (
    AnswerOption,
    Dimension,
    FrozenVersionError,
    Level,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Reference,
)
from assessments.services import selectors, versions


def _version_of(obj):
    return obj.owning_version() if obj is not None else None


def _problem_link(problem):
    if problem.obj is None:
        return problem.message
    opts = problem.obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[problem.obj.pk])
    return format_html('<a href="{}">{}</a>', url, problem.message)


def _report_problems(request, problems, intro):
    items = format_html_join("", "<li>{}</li>", ((_problem_link(p),) for p in problems))
    messages.error(request, format_html("{}<ul>{}</ul>", intro, items))


def _show_problems_next_to_fields(request, form_class, obj):
    """Publishing problems of a draft's object, shown as notes beside the fields they concern."""
    version = _version_of(obj)
    if version is None or version.is_frozen:
        return
    for problem in versions.validate_version(version):
        if problem.obj is None or problem.obj != obj:
            continue
        if problem.field in form_class.base_fields:
            field = form_class.base_fields[problem.field]
            field.help_text = format_html(
                '<strong class="errornote">{}</strong> {}',
                _("Blocks publishing: %(problem)s") % {"problem": problem.message},
                field.help_text,
            )
        elif request.method == "GET":
            messages.warning(
                request, _("Blocks publishing: %(problem)s") % {"problem": problem.message}
            )


class FrozenAwareInline(admin.StackedInline):
    """An inline whose rows are read-only once the parent's version is published."""

    extra = 0

    def _frozen(self, obj):
        version = obj if isinstance(obj, QuestionnaireVersion) else _version_of(obj)
        return version is not None and version.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class DimensionInline(FrozenAwareInline):
    model = Dimension
    fields = ["order", "key", "name", "description"]


class LevelInline(FrozenAwareInline):
    model = Level
    fields = ["number", "name", "min_score", "max_score"]
    show_change_link = True


class AnswerOptionInline(FrozenAwareInline):
    model = AnswerOption
    fields = ["order", "text", "score"]
    min_num = 2
    validate_min = True


class ReferenceInline(admin.StackedInline):
    model = Reference
    fields = ["order", "title", "url", "note"]
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else {"slug": ["title"]}

    def get_readonly_fields(self, request, obj=None):
        # Links and the home page find a questionnaire by its slug once it has been published.
        if (
            obj is not None
            and obj.versions.exclude(status=QuestionnaireVersion.Status.DRAFT).exists()
        ):
            return ["slug"]
        return []


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "question_count", "published_at", "preview_link"]
    list_filter = ["status", "questionnaire"]
    search_fields = ["questionnaire__title", "questionnaire__slug"]
    list_select_related = ["questionnaire"]
    inlines = [DimensionInline, LevelInline]
    actions = ["make_draft", "publish_versions"]
    change_form_template = "admin/assessments/questionnaireversion/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description=_("questions"), ordering="question_total")
    def question_count(self, obj):
        url = reverse("admin:assessments_question_changelist") + f"?version__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.question_total)

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:assessments_questionnaireversion_preview", args=[obj.pk]),
            _("Preview"),
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["questionnaire", "number"]
        return ["questionnaire", "number", "status", "based_on", "created_at", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["questionnaire", "number", "status", "based_on", "created_at", "published_at"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "<number:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="assessments_questionnaireversion_preview",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if version is not None and not version.is_frozen:
            extra_context["publish_problems"] = [
                _problem_link(problem) for problem in versions.validate_version(version)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, pk):
        version = get_object_or_404(
            QuestionnaireVersion.objects.select_related("questionnaire"), pk=pk
        )
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        questions = selectors.questions_with_options(version)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview of %(version)s") % {"version": version},
            "version": version,
            "forms": [AnswerForm(question, prefix=f"q{question.pk}") for question in questions],
            "levels": selectors.levels_with_references(version),
            "opts": self.opts,
        }
        return TemplateResponse(
            request, "admin/assessments/questionnaireversion/preview.html", context
        )

    def response_change(self, request, obj):
        # The buttons live inside the change form, so edits are saved before they act.
        if "_publish" in request.POST:
            self._publish(request, obj)
            return HttpResponseRedirect(request.path)
        if "_new_draft" in request.POST and self.has_add_permission(request):
            draft = versions.create_draft(obj)
            messages.success(request, _("%(draft)s is ready to edit.") % {"draft": draft})
            return HttpResponseRedirect(
                reverse("admin:assessments_questionnaireversion_change", args=[draft.pk])
            )
        return super().response_change(request, obj)

    def _publish(self, request, version):
        try:
            versions.publish(version)
        except versions.PublishError as error:
            _report_problems(
                request,
                error.problems,
                _("%(version)s was not published:") % {"version": version},
            )
            return False
        messages.success(
            request,
            _("%(version)s is published: new assessments use it from now on.")
            % {"version": QuestionnaireVersion.objects.get(pk=version.pk)},
        )
        return True

    @admin.action(description=_("Make a new draft from the selected version"), permissions=["add"])
    def make_draft(self, request, queryset):
        for version in queryset:
            draft = versions.create_draft(version)
            messages.success(request, _("%(draft)s is ready to edit.") % {"draft": draft})

    @admin.action(description=_("Publish the selected draft"), permissions=["change"])
    def publish_versions(self, request, queryset):
        published = sum(1 for version in queryset if self._publish(request, version))
        if published > 1:
            messages.warning(
                request,
                ngettext(
                    "%(count)d version was published; only the last one stays published.",
                    "%(count)d versions were published; only the last one stays published.",
                    published,
                )
                % {"count": published},
            )


class VersionContentAdmin(admin.ModelAdmin):
    """Admin for content that belongs to one version: new content goes into drafts only,
    frozen content cannot be deleted, and publishing problems show beside their fields."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except FrozenVersionError as error:
            # The version was published while this form was open: nothing was saved.
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        _show_problems_next_to_fields(request, form, obj)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = QuestionnaireVersion.objects.filter(
                status=QuestionnaireVersion.Status.DRAFT
            ).select_related("questionnaire")
        if db_field.name == "dimension":
            kwargs["queryset"] = Dimension.objects.filter(
                version__status=QuestionnaireVersion.Status.DRAFT
            ).select_related("version__questionnaire")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.version.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Question)
class QuestionAdmin(VersionContentAdmin):
    list_display = ["order", "text", "dimension", "version"]
    list_display_links = ["order", "text"]
    list_filter = ["version__questionnaire", "version", "dimension__name"]
    list_select_related = ["dimension", "version__questionnaire"]
    search_fields = ["text", "help_text", "key", "options__text"]
    ordering = ["version", "order"]
    inlines = [AnswerOptionInline]
    fields = ["version", "dimension", "order", "key", "text", "help_text", "allows_not_applicable"]

    def has_change_permission(self, request, obj=None):
        # A frozen question is shown with Django's read-only view.
        if obj is not None and obj.version.is_frozen:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Level)
class LevelAdmin(VersionContentAdmin):
    list_display = ["__str__", "min_score", "max_score", "version"]
    list_filter = ["version__questionnaire", "version"]
    list_select_related = ["version__questionnaire"]
    search_fields = ["name", "description", "guidance", "references__title"]
    ordering = ["version", "number"]
    inlines = [ReferenceInline]
    fields = ["version", "number", "name", "min_score", "max_score", "description", "guidance"]

    def get_readonly_fields(self, request, obj=None):
        # Advice stays editable on a published version; the band and its place do not.
        if obj is not None and obj.version.is_frozen:
            return ["version", "number", "min_score", "max_score"]
        return []
