"""What every page may show: the site's name where no questionnaire names the page."""

from django.conf import settings


def site(request):
    return {"site_name": settings.SITE_NAME}
