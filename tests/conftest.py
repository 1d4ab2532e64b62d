"""Shared fixtures: questionnaire versions built through the import service, and assessments."""

import pytest

from assessments.models import QuestionnaireVersion
from assessments.services import assessments, questionnaire_io
from tests.support.content import (
    DEFAULT_FILE,
    choose,
    import_document,
    questionnaire_document,
    second_document,
)


def pytest_collection_modifyitems(items):
    """Every browser test (tests/e2e/) is marked `e2e`: `make test-fast` leaves them out, with
    the `server` tests."""
    for item in items:
        if item.path.parent.name == "e2e":
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with its installation key read once, as a server's first request
    reads it: query counts then do not depend on which test touched the cache first."""
    from assessments import caching

    with django_db_blocker.unblock():
        caching.forget_installation()
        caching.installation()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: rate-limit counts and cached content from one
    test must not leak into the next."""
    from django.core.cache import cache

    from assessments import caching

    cache.clear()
    caching.forget_local()
    yield
    cache.clear()
    caching.forget_local()


@pytest.fixture
def second_version(db) -> QuestionnaireVersion:
    """A second published questionnaire: 5 levels, 3 dimensions, 10 questions."""
    return import_document(second_document())


@pytest.fixture
def default_version(db) -> QuestionnaireVersion:
    """The shipped GenAIOps questionnaire, published."""
    return questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8")).version


@pytest.fixture
def make_version(db):
    def make(questions=7, options=5, publish=True, **kwargs):
        return import_document(questionnaire_document(questions, options, **kwargs), publish)

    return make


@pytest.fixture
def answered(default_version):
    """Make an assessment on the default version answered with the given scores."""

    def make(scores, complete=False):
        assessment = assessments.start(default_version)
        choose(assessment, scores)
        if complete:
            assessment = assessments.complete(assessment)
        return assessment

    return make


@pytest.fixture
def people(db, django_user_model):
    """An owner and a member of one team, and someone from another team."""
    from assessments.services import teams

    owner = django_user_model.objects.create_user("olivia", "olivia@example.com", "pw-olivia-123")
    member = django_user_model.objects.create_user("mateo", "mateo@example.com", "pw-mateo-123")
    outsider = django_user_model.objects.create_user("xena", "xena@example.com", "pw-xena-123")
    team = teams.create_team(owner, "Platform team")
    teams.accept_invitation(teams.create_invitation(team, owner).token, member)
    other_team = teams.create_team(outsider, "Other team")
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "team": team,
        "other_team": other_team,
    }


@pytest.fixture
def team_assessment(default_version, people):
    """Make a completed assessment of the team with the given scores, taken by the member."""
    from assessments.services import teams

    def make(scores, complete=True, by="member"):
        assessment = teams.start_for_team(default_version, people[by], people["team"])
        choose(assessment, scores)
        return assessments.complete(assessment) if complete else assessment

    return make
