from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from assessments.models import NOTE_LENGTH, Question


class NoteField(forms.CharField):
    """Free text whose line breaks count as one character each, as the browser counted them
    against `maxlength` (it sends them as two)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class AnswerForm(forms.Form):
    """One question as a group of radio buttons, one per answer option."""

    option = forms.TypedChoiceField(
        coerce=int,
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
        field = self.fields["option"]
        field.label = question.text
        # crispy-bootstrap5 prints help text unescaped; content editors are not all trusted.
        field.help_text = escape(question.help_text)
        field.choices = [(option.pk, option.text) for option in question.options.all()]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The options alone: they render the same for everyone (and are cached); the note,
        # which is the person's own, is drawn apart.
        self.helper.layout = Layout("option")


class UniqueEmailMixin:
    """An email address belongs to one account, whatever its case (a database index, made in
    migration 0003, enforces it too)."""

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
        choices = [(m.team_id, m.team.name) for m in memberships]
        if allow_personal:
            choices.insert(0, ("", _("Just me (no team)")))
        else:
            self.fields["team"].label = _("Team")
        self.fields["team"].choices = choices
        self.fields["team"].required = not allow_personal
        self.teams = {m.team_id: m.team for m in memberships}

    def chosen_team(self):
        team_id = self.cleaned_data.get("team")
        return self.teams.get(team_id) if team_id else None


def _choice_label(assessment) -> str:
    return _("%(date)s: %(total)s / %(maximum)s, %(level)s") % {
        "date": date_format(assessment.completed_at, "DATE_FORMAT"),
        "total": assessment.total_score,
        "maximum": assessment.max_score,
        "level": assessment.level.name,
    }


_lazy_choice_label = lazy(_choice_label, str)


class CompareForm(forms.Form):
    before = forms.TypedChoiceField(label=_("Earlier assessment"), coerce=int)
    after = forms.TypedChoiceField(label=_("Later assessment"), coerce=int)

    def __init__(self, completed, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels are formatted only if the form is drawn: checking a choice needs the ids alone.
        choices = [(a.pk, _lazy_choice_label(a)) for a in reversed(completed)]
        self.fields["before"].choices = choices
        self.fields["after"].choices = choices
        if len(completed) >= 2:
            # By default, the last two: what changed most recently.
            self.fields["before"].initial = completed[-2].pk
            self.fields["after"].initial = completed[-1].pk

    @staticmethod
    def requested_ids(data) -> list[int]:
        """The assessment ids asked for in `data`, where they are whole numbers."""
        ids = []
        for name in ("before", "after"):
            value = data.get(name, "")
            # isdigit() alone admits digits such as "²" that int() refuses.
            if value.isascii() and value.isdigit() and len(value) < 19:
                ids.append(int(value))
        return ids

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("before") and cleaned.get("before") == cleaned.get("after"):
            raise forms.ValidationError(_("Choose two different assessments."))
        return cleaned
