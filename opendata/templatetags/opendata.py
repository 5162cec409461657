from django import template

from opendata import selectors

register = template.Library()


@register.inclusion_tag("opendata/home_indicators.html")
def home_indicators():
    """`{% load opendata %}{% home_indicators %}`: the cached plan indicators of the home page."""
    return {"data": selectors.home_indicators()}
