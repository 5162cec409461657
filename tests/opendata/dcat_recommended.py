"""The recommended properties of DCAT-AP 3.0.0 as SHACL shapes of severity sh:Warning.

The SHACL file the repository keeps (opendata/validation/) checks only the mandatory
properties and ranges: a catalogue missing a recommended property still conforms. These
shapes add one `minCount 1` warning per recommended property of each class, as the
profile's specification lists them (docs/opendata-api.md, "DCAT-AP recommended
properties"), so a test can count what a harvester would flag."""

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

SH = Namespace("http://www.w3.org/ns/shacl#")
DCATAP = Namespace("http://data.europa.eu/r5r/")

RECOMMENDED = {
    DCAT.Catalog: (
        DCTERMS.language,
        DCTERMS.issued,
        DCTERMS.license,
        DCTERMS.spatial,
        DCTERMS.modified,
        DCAT.themeTaxonomy,
        FOAF.homepage,
    ),
    DCAT.Dataset: (
        DCAT.contactPoint,
        DCAT.distribution,
        DCAT.keyword,
        DCTERMS.publisher,
        DCTERMS.spatial,
        DCTERMS.temporal,
        DCAT.theme,
    ),
    DCAT.Distribution: (
        DCTERMS.description,
        DCATAP.availability,
        DCTERMS["format"],
        DCTERMS.license,
    ),
    DCAT.DataService: (DCAT.servesDataset, DCAT.endpointDescription),
    FOAF.Agent: (DCTERMS.type,),
    DCTERMS.LicenseDocument: (DCTERMS.type,),
    DCTERMS.Location: (DCAT.bbox, DCAT.centroid),
    DCTERMS.PeriodOfTime: (DCAT.startDate, DCAT.endDate),
}


def recommended_shapes() -> Graph:
    g = Graph()
    for cls, paths in RECOMMENDED.items():
        shape = URIRef(f"urn:openlima:shape:{cls.split('/')[-1].split('#')[-1]}")
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, cls))
        for path in paths:
            prop = BNode()
            g.add((shape, SH.property, prop))
            g.add((prop, SH.path, path))
            g.add((prop, SH.minCount, Literal(1)))
            g.add((prop, SH.severity, SH.Warning))
    # A catalogue lists datasets or services.
    shape = URIRef("urn:openlima:shape:CatalogContent")
    g.add((shape, RDF.type, SH.NodeShape))
    g.add((shape, SH.targetClass, DCAT.Catalog))
    g.add((shape, SH.severity, SH.Warning))
    options = []
    for path in (DCAT.dataset, DCAT.service):
        option = BNode()
        g.add((option, SH.path, path))
        g.add((option, SH.minCount, Literal(1)))
        wrapper = BNode()
        g.add((wrapper, SH.property, option))
        options.append(wrapper)
    head = BNode()
    Collection(g, head, options)
    g.add((shape, SH["or"], head))
    return g


def warnings(data: Graph) -> list[tuple[str, str, str]]:
    """(severity, focus class, path) of every non-violation result, sorted."""
    from pyshacl import validate

    _conforms, report, _text = validate(data, shacl_graph=recommended_shapes())
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        if severity == SH.Violation:
            continue
        focus = report.value(result, SH.focusNode)
        classes = ",".join(sorted(str(c) for c in data.objects(focus, RDF.type)))
        found.append(
            (str(severity), classes, str(report.value(result, SH.resultPath) or ""))
        )
    return sorted(found)
