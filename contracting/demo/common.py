"""What Lima's demo and a city profile's demo share: a district by its code, and the OCDS
release each stage of a process writes."""

from openlima.models import District

from .. import services


def _district(ubigeo: str):
    return District.objects.filter(ubigeo=ubigeo).first()


def _release(process):
    services.release_write(process=process)
