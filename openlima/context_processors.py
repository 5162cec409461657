from django.conf import settings


def site(request):
    return {
        "SITE_NAME": "Open Lima",
        "MUNICIPALITY_NAME": settings.OPENLIMA["MUNICIPALITY_NAME"],
    }
