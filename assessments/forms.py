from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, UserChangeForm, UserCreationForm
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from assessments.models import ACTION_LENGTH, NOTE_LENGTH, REASON_LENGTH, Action, Question
from assessments.services.accounts import is_password_of


class NoteField(forms.CharField):
    """Free text whose line breaks count as one character each, as the browser counted them
    against `maxlength` (it sends them as two)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


def id_in(data, name: str) -> int | None:
    """The id `data[name]` (a query string or a form), when it is a whole number a database
    id can hold; None otherwise."""
    value = data.get(name, "")
    # isdigit() alone admits digits such as "²" that int() refuses.
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


# The value of the "not applicable" radio button, where a question offers it.
NOT_APPLICABLE = "na"


class AnswerForm(forms.Form):
    """One question as a group of radio buttons, one per answer option (and "not
    applicable" where the question offers it)."""

    option = forms.TypedChoiceField(
        coerce=lambda value: NOT_APPLICABLE if value == NOT_APPLICABLE else int(value),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one answer to continue."),
            "invalid_choice": _("That answer is not an option of this question."),
        },
    )
    note = NoteField(
        label=_("Note (optional)"),
        help_text=_(
            "The evidence or the reason for this answer, for you and your team: at most "
            "2,000 characters."
        ),
        max_length=NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, question: Question, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        field = cast(forms.ChoiceField, self.fields["option"])
        field.label = question.text
        # crispy-bootstrap5 prints help text unescaped; content editors are not all trusted.
        field.help_text = escape(question.help_text)
        choices: list[tuple[int | str, Any]] = [
            (option.pk, option.text) for option in question.options.all()
        ]
        if question.allows_not_applicable:
            choices.append((NOT_APPLICABLE, _("Not applicable to us")))
        field.choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The options alone: they render the same for everyone (and are cached); the note,
        # which is the person's own, is drawn apart.
        self.helper.layout = Layout("option")

    def chosen_option(self) -> int | None:
        """The chosen option's id, or None for "not applicable"."""
        option = self.cleaned_data["option"]
        return None if option == NOT_APPLICABLE else option


class UniqueEmailMixin:
    """An email address belongs to one account, whatever its case (a database index, made in
    migration 0003, enforces it too)."""

    # Provided by the model form it is mixed into.
    cleaned_data: dict[str, Any]
    instance: Any

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        # Compared as the database index compares them (LOWER), not as iexact does (UPPER).
        others = (
            get_user_model()
            .objects.alias(lowered=Lower("email"))
            .filter(lowered=Lower(Value(email)))
        )
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if email and others.exists():
            raise forms.ValidationError(
                _("An account with this email address already exists."), code="unique"
            )
        return email


class SignUpForm(UniqueEmailMixin, UserCreationForm):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("Used only to reset a forgotten password."),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class AdminUserChangeForm(UniqueEmailMixin, UserChangeForm):
    pass


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )


class LimitedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, whose old password is checked as a sign-in is: django-axes
    counts the wrong ones and, past its limits, refuses even the right one for a while."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not is_password_of(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class NameConfirmForm(forms.Form):
    name = forms.CharField(label=_("Type the team's name to confirm"), max_length=100)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the team a name."))
        return name


class TeamChoiceForm(forms.Form):
    """Which of the user's teams something is for; the choices are the user's own teams only,
    so a tampered team id is refused as an invalid choice."""

    team = forms.TypedChoiceField(
        label=_("Who is this assessment for?"),
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of your own teams.")},
    )

    def __init__(self, memberships, *args, allow_personal=True, **kwargs):
        super().__init__(*args, **kwargs)
        choices: list[tuple[int | str, Any]] = [(m.team_id, m.team.name) for m in memberships]
        if allow_personal:
            choices.insert(0, ("", _("Just me (no team)")))
        else:
            self.fields["team"].label = _("Team")
        cast(forms.ChoiceField, self.fields["team"]).choices = choices
        self.fields["team"].required = not allow_personal
        self.teams = {m.team_id: m.team for m in memberships}

    def chosen_team(self):
        team_id = self.cleaned_data.get("team")
        return self.teams.get(team_id) if team_id else None


def _choice_label(assessment, several_questionnaires: bool) -> str:
    label = _("%(date)s: %(total)s / %(maximum)s, %(level)s") % {
        "date": date_format(assessment.completed_at, "DATE_FORMAT"),
        "total": assessment.total_score,
        "maximum": assessment.max_score,
        "level": assessment.level.name,
    }
    if several_questionnaires:
        label = f"{assessment.version.questionnaire.title}, {label}"
    round = assessment.agreed_round
    if round is None:
        return label
    return _("%(label)s, agreed by %(agreed)s of %(members)s members") % {
        "label": label,
        "agreed": round.agreed_by,
        "members": round.member_count,
    }


_lazy_choice_label = lazy(_choice_label, str)


class CompareForm(forms.Form):
    before = forms.TypedChoiceField(label=_("Earlier assessment"), coerce=int)
    after = forms.TypedChoiceField(label=_("Later assessment"), coerce=int)

    def __init__(self, completed, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels are formatted only if the form is drawn: checking a choice needs the ids alone.
        self.completed = {a.pk: a for a in completed}
        several = len({a.version.questionnaire_id for a in completed}) > 1
        choices = [(a.pk, _lazy_choice_label(a, several)) for a in reversed(completed)]
        cast(forms.ChoiceField, self.fields["before"]).choices = choices
        cast(forms.ChoiceField, self.fields["after"]).choices = choices
        if len(completed) >= 2:
            # By default, the last two: what changed most recently.
            self.fields["before"].initial = completed[-2].pk
            self.fields["after"].initial = completed[-1].pk

    @staticmethod
    def requested_ids(data) -> list[int]:
        """The assessment ids asked for in `data`, where they are whole numbers."""
        ids = (id_in(data, name) for name in ("before", "after"))
        return [pk for pk in ids if pk is not None]

    def clean(self):
        cleaned = super().clean() or {}
        before, after = cleaned.get("before"), cleaned.get("after")
        if before and before == after:
            raise forms.ValidationError(_("Choose two different assessments."))
        if before and after:
            first, second = self.completed[before], self.completed[after]
            if first.version.questionnaire_id != second.version.questionnaire_id:
                raise forms.ValidationError(
                    _(
                        "These two results answer different questionnaires, which cannot be "
                        "compared: choose two results of the same questionnaire."
                    )
                )
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"


def _not_past(value):
    if value is not None and value < timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the past."))
    return value


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=100,
        help_text=_("For example: Q1 2027 review."),
    )
    closes_on = forms.DateField(
        label=_("Closing date (optional)"),
        required=False,
        widget=DateInput,
        help_text=_("After this day the round takes no more answers. You can also close it."),
    )

    def __init__(self, entries, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With more than one questionnaire published, the owner picks the round's.
        if len(entries) > 1:
            self.fields["questionnaire"] = forms.ChoiceField(
                label=_("Questionnaire"),
                choices=[(e.questionnaire.slug, e.questionnaire.title) for e in entries],
            )

    def chosen_questionnaire(self) -> str | None:
        return self.cleaned_data.get("questionnaire")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the round a title."))
        return title

    def clean_closes_on(self):
        return _not_past(self.cleaned_data["closes_on"])


class AgreedAnswerForm(forms.Form):
    """An owner's choice of the agreed answer to one question; the service checks that the
    option belongs to the question."""

    question = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    option = forms.IntegerField(label=_("Agreed answer"), min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LENGTH, required=False)


class MemberChoiceField(forms.TypedChoiceField):
    """One of the team's members, by user id; anything else is refused as an invalid choice."""

    def __init__(self, memberships=(), **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)
        self.users = {m.user_id: m.user for m in memberships}
        self.choices = [("", _("Nobody yet"))] + [
            (m.user_id, m.user.get_username()) for m in memberships
        ]


class ActionForm(forms.Form):
    text = forms.CharField(
        label=_("Action"),
        max_length=ACTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the team will do, in a sentence."),
    )
    due_on = forms.DateField(label=_("Due (optional)"), required=False, widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)

    def __init__(self, memberships, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = MemberChoiceField(memberships, label=_("Owner"), required=False)
        self.order_fields(["text", "owner", "due_on", "status"])

    def clean_text(self):
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError(_("Say what the action is."))
        return text

    def chosen_owner(self):
        user_id = self.cleaned_data.get("owner")
        return cast(MemberChoiceField, self.fields["owner"]).users.get(user_id) if user_id else None


class TargetForm(forms.Form):
    """A target level and a target answer for any of the questions, all optional."""

    level = forms.TypedChoiceField(label=_("Target level"), coerce=int, required=False)
    due_on = forms.DateField(label=_("Target date (optional)"), required=False, widget=DateInput)

    def __init__(self, levels, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.pk: level for level in levels}
        cast(forms.ChoiceField, self.fields["level"]).choices = [("", _("No target level"))] + [
            (
                level.pk,
                _("Level %(number)s: %(name)s") % {"number": level.number, "name": level.name},
            )
            for level in levels
        ]
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                coerce=int,
                required=False,
                choices=[("", _("No target answer"))]
                + [(option.pk, option.text) for option in question.options.all()],
            )

    def question_fields(self):
        return [self[f"q{question.pk}"] for question in self.questions]

    def chosen_level(self):
        level_id = self.cleaned_data.get("level")
        return self.levels.get(level_id) if level_id else None

    def chosen_answers(self) -> dict[int, int]:
        return {
            question.pk: self.cleaned_data[f"q{question.pk}"]
            for question in self.questions
            if self.cleaned_data.get(f"q{question.pk}")
        }
