from django.conf import settings

from . import city as city_profile


def site(request):
    """`city`: the city profile in the active language (docs/city-profile.md). SITE_NAME (the
    portal's name) and MUNICIPALITY_NAME (the profile's, unless OPENLIMA_MUNICIPALITY_NAME
    overrides it) are kept for the templates that use them."""
    city = city_profile.city()
    return {
        "city": city,
        "SITE_NAME": city["portal_name"],
        "MUNICIPALITY_NAME": settings.OPENLIMA["MUNICIPALITY_NAME"],
    }
