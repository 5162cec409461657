"""The annual report as an XLSX workbook (docs/information-requests.md, "Annual report
export"): the entity's data, the requests per month and the requests per unit."""

import io

from django.utils.translation import gettext as _

from openlima.exports import neutralise


def annual_report_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    entity = book.active
    entity.title = _("Entidad")[:31]
    entity.append([_("Campo"), _("Valor")])
    for field, value in report["entity"]:
        entity.append([neutralise(str(field)), neutralise(str(value))])
    requests = book.create_sheet(_("Solicitudes")[:31])
    requests.append(report["columns"])
    for row in report["rows"]:
        requests.append([neutralise(row.get(c)) for c in report["columns"]])
    units = book.create_sheet(_("Por unidad")[:31])
    units.append(report["unit_columns"])
    for row in report["units"]:
        units.append([neutralise(row.get(c)) for c in report["unit_columns"]])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
