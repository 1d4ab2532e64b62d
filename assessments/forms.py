from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Question


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

    def __init__(self, question: Question, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        field = self.fields["option"]
        field.label = question.text
        field.help_text = question.help_text
        field.choices = [(option.pk, option.text) for option in question.options.all()]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
