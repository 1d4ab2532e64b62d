"""Every completed assessment carries its scores per dimension, as `complete()` stores them at
submission, so that history, trends, compare and exports read stored figures only.

Totals, maxima and levels are already required on completed assessments by the constraint
`completed_assessment_has_result`; this fills the dimension scores where they are missing.
"""

from collections import defaultdict

from django.db import migrations


def fill_dimension_scores(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    AnswerOption = apps.get_model("assessments", "AnswerOption")
    missing = Assessment.objects.filter(status="completed", dimension_scores={})
    maxima_by_version = {}
    for assessment in missing.iterator(chunk_size=500):
        version_id = assessment.version_id
        if version_id not in maxima_by_version:
            maxima = defaultdict(dict)
            for question_id, dimension, score in AnswerOption.objects.filter(
                question__version_id=version_id
            ).values_list("question_id", "question__dimension__key", "score"):
                maxima[dimension][question_id] = max(score, maxima[dimension].get(question_id, 0))
            maxima_by_version[version_id] = {
                dimension: sum(per_question.values()) for dimension, per_question in maxima.items()
            }
        scores = dict.fromkeys(maxima_by_version[version_id], 0)
        for dimension, score in Answer.objects.filter(assessment=assessment).values_list(
            "question__dimension__key", "option__score"
        ):
            scores[dimension] += score
        assessment.dimension_scores = {
            dimension: {"score": scores[dimension], "maximum": maximum}
            for dimension, maximum in maxima_by_version[version_id].items()
        }
        assessment.save(update_fields=["dimension_scores"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_unique_email")]

    operations = [migrations.RunPython(fill_dimension_scores, migrations.RunPython.noop)]
