"""Fast JSON for the APIs (docs/performance.md): orjson, with the same output as the
encoders it replaces. Datetimes, dates, Decimals, lazy translations and whatever else
orjson does not know are handed to the encoder the answer used before (Django's for
the CKAN API, DRF's for the REST API), so a date still reads `...Z` and a Decimal is
still a string; orjson writes UTF-8 as `ensure_ascii=False` did."""

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder as DRFEncoder

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_django = DjangoJSONEncoder()
_drf = DRFEncoder()


def dumps(obj) -> bytes:
    """`json.dumps(obj, cls=DjangoJSONEncoder, ensure_ascii=False)`, as UTF-8 bytes."""
    return orjson.dumps(obj, default=_django.default, option=OPTIONS)


def dumps_api(obj) -> bytes:
    """What ORJSONRenderer writes for `obj` (the REST API's JSON, DRF's encoder for
    what orjson does not know)."""
    return orjson.dumps(obj, default=_drf.default, option=OPTIONS)


class ORJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer through orjson; an indented answer (`; indent=`) and the
    browsable API still go through DRF's own path."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        if self.get_indent(accepted_media_type, renderer_context):
            return super().render(data, accepted_media_type, renderer_context)
        return dumps_api(data)
