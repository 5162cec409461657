"""The catalogue as DCAT-AP 3 RDF (rdflib): catalogue, datasets, distributions, paged
with Hydra. URIs are stable: they use the dataset slug and resource UUIDs."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from openlima import city

from . import conf, geo
from .ckan import resource_url
from .models import LICENSE_URLS, Dataset
from .selectors import package_qs

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE_SPA = URIRef(
    "http://publications.europa.eu/resource/authority/language/SPA"
)
IANA = "https://www.iana.org/assignments/media-types/"
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
# Recommended DCAT-AP properties (docs/opendata-api.md): controlled vocabularies.
AVAILABILITY_STABLE = URIRef(
    "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
)
PUBLISHER_LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
LICENCE_TYPES = {  # our licence -> ADMS licence types
    "cc-by-4.0": ("Attribution",),
    "cc-by-sa-4.0": ("Attribution", "ShareAlike"),
    "cc-zero": ("PublicDomain",),
    "odc-by": ("Attribution",),
    "odc-odbl": ("Attribution", "ShareAlike"),
}
LICENCE_TYPE_LABELS = {
    "Attribution": "Attribution",
    "ShareAlike": "Share alike",
    "PublicDomain": "Public domain",
}
CATALOGUE_LICENSE = "cc-by-4.0"  # the licence of the catalogue's own metadata
DEFAULT_THEME = "GOVE"  # a municipality's data: government and public sector
EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_DATA_THEME_SCHEME = URIRef(EU_DATA_THEME.rstrip("/"))
# Topic slug fragments -> EU data-theme codes (docs/opendata-api.md); first match wins.
EU_THEMES = (
    (("econom", "finanz", "presupuest", "hacienda"), "ECON"),
    (("transport", "movilidad", "vial"), "TRAN"),
    (("ambient", "parque", "verde", "clima"), "ENVI"),
    (("gobierno", "particip", "transparen", "integridad"), "GOVE"),
    (("urban", "vivienda", "territor", "catastro"), "REGI"),
    (("salud",), "HEAL"),
    (("educa", "cultura", "deporte"), "EDUC"),
    (("poblac", "social", "demograf"), "SOCI"),
    (("seguridad", "justicia"), "JUST"),
    (("energ",), "ENER"),
    (("ciencia", "tecnolog", "innovac"), "TECH"),
    (("agric", "pesca", "aliment"), "AGRI"),
    (("internacional",), "INTR"),
)


EU_THEME_LABELS = {  # the vocabulary's English labels
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}


def eu_theme(slug: str) -> str | None:
    """The EU data-theme code of one of our topics, or None (then keyword only)."""
    for fragments, code in EU_THEMES:
        if any(f in slug for f in fragments):
            return code
    return None


FORMATS = {
    "text/csv": "CSV",
    "application/json": "JSON",
    "application/geo+json": "GEOJSON",
    "application/pdf": "PDF",
    "text/html": "HTML",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}
SERIALIZERS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
    "rdf": ("xml", "application/rdf+xml; charset=utf-8"),
}


def page_size() -> int:
    return conf.dcat_page_size()


def _url(name, **kwargs) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs)


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("spdx", SPDX),
        ("hydra", HYDRA),
        ("skos", SKOS),
        ("adms", ADMS),
        ("dcatap", DCATAP),
        ("gsp", GSP),
    ):
        g.bind(prefix, ns)
    return g


def dataset_uri(dataset, base) -> URIRef:
    return URIRef(f"{base}{_url('opendata:dataset', slug=dataset.slug)}#dataset")


def _agent(g, org, base) -> URIRef:
    # A stable human page: the catalogue filtered by this publisher.
    agent = URIRef(f"{base}{_url('opendata:catalogue')}?publicador={org.slug}")
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(org.name, lang="es")))
    _agent_type(g, agent)
    return agent


def _agent_type(g, agent) -> None:
    # Every publisher is a unit of the municipality: a local authority.
    g.add((agent, DCTERMS.type, PUBLISHER_LOCAL_AUTHORITY))
    g.add((PUBLISHER_LOCAL_AUTHORITY, RDF.type, SKOS.Concept))
    g.add(
        (
            PUBLISHER_LOCAL_AUTHORITY,
            SKOS.prefLabel,
            Literal("Local Authority", lang="en"),
        )
    )


def _license(g, code: str) -> URIRef:
    uri = URIRef(LICENSE_URLS.get(code, LICENSE_URLS["cc-by-4.0"]))
    g.add((uri, RDF.type, DCTERMS.LicenseDocument))
    for name in LICENCE_TYPES.get(code, LICENCE_TYPES["cc-by-4.0"]):
        kind = URIRef(LICENCE_TYPE + name)
        g.add((uri, DCTERMS.type, kind))
        g.add((kind, RDF.type, SKOS.Concept))
        g.add((kind, SKOS.prefLabel, Literal(LICENCE_TYPE_LABELS[name], lang="en")))
    return uri


def _location(g, place, ubigeos=()) -> None:
    """dcat:bbox and dcat:centroid (WKT) of a place: its districts' box, the city's
    when none is given. A district whose polygon the file lacks (Santa Anita) gets the
    city's box, which bounds it too, though loosely (opendata/geo.py)."""
    w, s, e, n = geo.bbox(ubigeos)
    g.add((place, DCAT.bbox, Literal(geo.bbox_wkt(ubigeos), datatype=GSP.wktLiteral)))
    centroid = f"POINT({round((w + e) / 2, 6)} {round((s + n) / 2, 6)})"
    g.add((place, DCAT.centroid, Literal(centroid, datatype=GSP.wktLiteral)))


def _city(g, base: str) -> URIRef:
    """The whole city as a dct:Location: its GeoNames URI from the profile, else a URI of
    the portal's own."""
    place = URIRef(geo.city_uri() or f"{base}/territorio")
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, SKOS.prefLabel, Literal(geo.city_name("es"), lang="es")))
    _location(g, place)
    return place


def _theme(g, ds, code: str) -> None:
    concept = URIRef(EU_DATA_THEME + code)
    g.add((ds, DCAT.theme, concept))
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.inScheme, EU_DATA_THEME_SCHEME))
    g.add((concept, SKOS.prefLabel, Literal(EU_THEME_LABELS[code], lang="en")))


def _literal_dt(value):
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def dataset_add(g: Graph, dataset: Dataset, base: str) -> URIRef:
    ds = dataset_uri(dataset, base)
    landing = URIRef(f"{base}{_url('opendata:dataset', slug=dataset.slug)}")
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(dataset.title, lang="es")))
    g.add((ds, DCTERMS.description, Literal(dataset.description, lang="es")))
    g.add((ds, DCTERMS.identifier, Literal(str(dataset.uuid))))
    if dataset.published_at:
        g.add((ds, DCTERMS.issued, _literal_dt(dataset.published_at)))
    g.add((ds, DCTERMS.modified, _literal_dt(dataset.modified_at)))
    g.add((ds, DCTERMS.publisher, _agent(g, dataset.publisher, base)))
    g.add((ds, DCAT.landingPage, landing))
    g.add((landing, RDF.type, FOAF.Document))
    g.add((ds, DCTERMS.language, EU_LANGUAGE_SPA))
    g.add((EU_LANGUAGE_SPA, RDF.type, DCTERMS.LinguisticSystem))
    frequency = URIRef(EU_FREQUENCY + dataset.frequency)
    g.add((ds, DCTERMS.accrualPeriodicity, frequency))
    g.add((frequency, RDF.type, DCTERMS.Frequency))
    for tag in dataset.tags.all():
        g.add((ds, DCAT.keyword, Literal(tag.name, lang="es")))
    themes = set()
    for topic in dataset.topics.all():
        # Our topics stay as keywords; the theme is the EU data-theme concept.
        g.add((ds, DCAT.keyword, Literal(topic.name, lang="es")))
        code = eu_theme(topic.slug)
        if code:
            themes.add(code)
    for code in sorted(themes) or [DEFAULT_THEME]:
        _theme(g, ds, code)
    # A contact point always: the dataset's contact, else its publishing unit (with
    # its address when it has one, else its catalogue page).
    contact = BNode(f"contact-{dataset.uuid}")
    g.add((ds, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(dataset.contact_name or dataset.publisher.name)))
    email = dataset.contact_email or dataset.publisher.email
    if email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    else:
        g.add(
            (
                contact,
                VCARD.hasURL,
                URIRef(
                    f"{base}{_url('opendata:catalogue')}?publicador={dataset.publisher.slug}"
                ),
            )
        )
    districts = list(dataset.districts.all())
    if districts:
        for district in districts:
            place = URIRef(
                f"{base}{_url('opendata:catalogue')}?distrito={district.ubigeo}"
            )
            g.add((ds, DCTERMS.spatial, place))
            g.add((place, RDF.type, DCTERMS.Location))
            g.add((place, SKOS.prefLabel, Literal(district.name, lang="es")))
            g.add((place, DCTERMS.identifier, Literal(district.ubigeo)))
            _location(g, place, [district.ubigeo])
    else:
        g.add((ds, DCTERMS.spatial, _city(g, base)))
    # Temporal coverage: the declared period; an open end (or no period at all, as for
    # the platform datasets regenerated nightly) ends at the last update, and an unknown
    # start is the first publication (docs/opendata-api.md).
    start = dataset.temporal_start or timezone.localdate(
        dataset.published_at or dataset.created_at
    )
    end = dataset.temporal_end or timezone.localdate(dataset.modified_at)
    period = BNode(f"period-{dataset.uuid}")
    g.add((ds, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add(
        (
            period,
            DCAT.startDate,
            Literal(min(start, end).isoformat(), datatype=XSD.date),
        )
    )
    g.add((period, DCAT.endDate, Literal(end.isoformat(), datatype=XSD.date)))
    license_uri = _license(g, dataset.license)
    for resource in dataset.resources.all():
        dist = URIRef(
            f"{base}{_url('opendata:dataset', slug=dataset.slug)}#resource-{resource.uuid}"
        )
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(resource.name, lang="es")))
        g.add(
            (
                dist,
                DCTERMS.description,
                Literal(
                    resource.description
                    or f"{resource.name}: {resource.format or 'enlace'} · {dataset.title}",
                    lang="es",
                ),
            )
        )
        g.add((dist, DCATAP.availability, AVAILABILITY_STABLE))
        g.add((AVAILABILITY_STABLE, RDF.type, SKOS.Concept))
        g.add((AVAILABILITY_STABLE, SKOS.prefLabel, Literal("stable", lang="en")))
        url = URIRef(resource_url(resource, dataset, base))
        g.add((dist, DCAT.accessURL, url))
        g.add((url, RDF.type, RDFS.Resource))
        if not resource.external_url:
            g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCTERMS.license, license_uri))
        g.add((dist, DCTERMS.issued, _literal_dt(resource.created_at)))
        g.add((dist, DCTERMS.modified, _literal_dt(resource.modified_at)))
        if resource.media_type:
            media = URIRef(IANA + resource.media_type)
            g.add((dist, DCAT.mediaType, media))
            g.add((media, RDF.type, DCTERMS.MediaType))
        # The EU file-type code: from the media type, else the resource's own format
        # name (the vocabulary's codes are those names upper-cased: HTML, XML, ZIP...).
        code = FORMATS.get(resource.media_type or "")
        if not code and (resource.format or "").isalnum():
            code = resource.format.upper()
        if code:
            fmt = URIRef(EU_FILE_TYPE + code)
            g.add((dist, DCTERMS["format"], fmt))
            g.add((fmt, RDF.type, DCTERMS.MediaTypeOrExtent))
        if resource.size is not None:
            g.add(
                (
                    dist,
                    DCAT.byteSize,
                    Literal(resource.size, datatype=XSD.nonNegativeInteger),
                )
            )
        if resource.sha256:
            checksum = BNode(f"checksum-{resource.uuid}")
            g.add((dist, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
            g.add(
                (
                    checksum,
                    SPDX.checksumValue,
                    Literal(resource.sha256, datatype=XSD.hexBinary),
                )
            )
    return ds


def catalogue_graph(*, base: str, page: int, fmt: str) -> Graph:
    """One page of the catalogue, with Hydra links to the other pages."""
    es, en = city.city("es"), city.city("en")
    g = _graph()
    catalog = URIRef(f"{base}/catalog")
    home = URIRef(f"{base}/")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add(
        (
            catalog,
            DCTERMS.title,
            Literal(f"{es['portal_name']}: datos abiertos de {es['name']}", lang="es"),
        )
    )
    g.add(
        (
            catalog,
            DCTERMS.title,
            Literal(f"{en['portal_name']}: open data of {en['name']}", lang="en"),
        )
    )
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                f"Catálogo de datos abiertos: {es['municipality_name']}.", lang="es"
            ),
        )
    )
    g.add((catalog, FOAF.homepage, home))
    g.add((home, RDF.type, FOAF.Document))
    g.add((catalog, DCTERMS.language, EU_LANGUAGE_SPA))
    g.add((EU_LANGUAGE_SPA, RDF.type, DCTERMS.LinguisticSystem))
    publisher = URIRef(f"{base}/#municipalidad")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add(
        (
            publisher,
            FOAF.name,
            Literal(es["municipality_name"], lang="es"),
        )
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    _agent_type(g, publisher)
    g.add((catalog, DCTERMS.license, _license(g, CATALOGUE_LICENSE)))
    g.add((catalog, DCTERMS.spatial, _city(g, base)))
    g.add((EU_DATA_THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((EU_DATA_THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    g.add((catalog, DCAT.themeTaxonomy, EU_DATA_THEME_SCHEME))

    qs = Dataset.objects.filter(state=Dataset.State.PUBLISHED)
    total = qs.count()
    size = page_size()
    last = max(1, -(-total // size))
    page = min(max(page, 1), last)
    latest = qs.order_by("-modified_at").values_list("modified_at", flat=True).first()
    if latest:
        g.add((catalog, DCTERMS.modified, _literal_dt(latest)))
    first = qs.exclude(published_at=None).order_by("published_at")
    first = first.values_list("published_at", flat=True).first()
    if first:
        g.add((catalog, DCTERMS.issued, _literal_dt(first)))
    for dataset in package_qs().order_by("id")[(page - 1) * size : page * size]:
        g.add((catalog, DCAT.dataset, dataset_add(g, dataset, base)))

    def page_uri(n):
        return URIRef(f"{base}/catalog.{fmt}?page={n}")

    view = page_uri(page)
    g.add((view, RDF.type, HYDRA.PartialCollectionView))
    g.add((view, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
    g.add((view, HYDRA.itemsPerPage, Literal(size, datatype=XSD.nonNegativeInteger)))
    g.add((view, HYDRA.first, page_uri(1)))
    g.add((view, HYDRA.last, page_uri(last)))
    if page < last:
        g.add((view, HYDRA.next, page_uri(page + 1)))
    if page > 1:
        g.add((view, HYDRA.previous, page_uri(page - 1)))
    g.add((catalog, HYDRA.view, view))
    return g


def dataset_graph(*, dataset: Dataset, base: str) -> Graph:
    g = _graph()
    dataset_add(g, dataset, base)
    return g
