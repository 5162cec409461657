"""Public pages of the participatory budget (work without JavaScript)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlima.errors import (
    ApplicationError,
    Forbidden,
    form_add_application_error,
    http_status,
)

from . import selectors, services
from .forms import ProjectProposalForm, ResidentVerificationForm
from .models import BudgetProcess


def index(request):
    return render(
        request,
        "budgets/index.html",
        {"processes": list(selectors.process_list_public())},
    )


def process_detail(request, slug):
    process = selectors.process_get_public(slug=slug)
    headings = list(selectors.heading_list(process=process))
    mine = {
        h.pk
        for h in selectors.ballot_headings_for_user(user=request.user, process=process)
    }
    return render(
        request,
        "budgets/process.html",
        {
            "process": process,
            "headings": headings,
            "my_heading_ids": mine,
            "verification": selectors.resident_verification_get(user=request.user),
        },
    )


def heading_detail(request, slug, heading_slug):
    heading = selectors.heading_get_public(process_slug=slug, heading_slug=heading_slug)
    return render(
        request,
        "budgets/heading.html",
        {
            "process": heading.process,
            "heading": heading,
            "projects": list(selectors.project_list(heading=heading)),
            "Phase": BudgetProcess.Phase,
        },
    )


def project_detail(request, slug, heading_slug, pk):
    heading = selectors.heading_get_public(process_slug=slug, heading_slug=heading_slug)
    project = selectors.project_get_public(heading=heading, project_id=pk)
    return render(
        request,
        "budgets/project.html",
        {"process": heading.process, "heading": heading, "project": project},
    )


def project_image(request, pk):
    image = selectors.project_image_get_public(image_id=pk)
    try:
        handle = image.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@require_POST
def project_support(request, slug, heading_slug, pk):
    heading = selectors.heading_get_public(process_slug=slug, heading_slug=heading_slug)
    try:
        services.support_add(user=request.user, project_id=pk)
        messages.success(request, _("Gracias por su apoyo."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(heading.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def project_propose(request, slug, heading_slug):
    heading = selectors.heading_get_public(process_slug=slug, heading_slug=heading_slug)
    form = ProjectProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("image")
        try:
            project = services.project_propose(
                user=request.user,
                heading=heading,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                location=form.cleaned_data["location"],
                image_data=upload.read() if upload else None,
                image_alt=form.cleaned_data["image_alt"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        except Exception as exc:  # model validation
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request, _("Proyecto recibido: la unidad responsable lo evaluará.")
            )
            return redirect(project.get_absolute_url())
    return render(
        request,
        "budgets/propose.html",
        {"process": heading.process, "heading": heading, "form": form},
    )


@require_http_methods(["GET", "POST"])
def ballot(request, slug, heading_slug):
    heading = selectors.heading_get_public(process_slug=slug, heading_slug=heading_slug)
    access_error = error = None
    status = 200
    chosen: set[int] = set()
    try:
        selectors.access_ballot_for_heading(user=request.user, heading=heading)
    except ApplicationError as exc:
        access_error = exc.message
    if request.method == "POST" and "back" in request.POST:
        # "Volver a la cédula" from the summary: the same choices, nothing written.
        chosen = _ballot_project_ids(request.POST.getlist("projects"))
    elif request.method == "POST":
        raw = request.POST.getlist("projects")
        confirmed = request.POST.get("confirm") == "1"
        try:
            _ballot_submit(
                request, heading, raw, confirmed=confirmed, access_error=access_error
            )
        except ApplicationError as exc:
            error, status = exc.message, http_status(exc)
            chosen = _ballot_project_ids(raw)
        else:
            if not confirmed:
                return _ballot_summary(request, heading, raw)
            messages.success(
                request,
                _(
                    "Su voto quedó registrado. Puede cambiarlo hasta el cierre de la votación."
                ),
                extra_tags="feedback-ballot",  # "¿Le fue útil?" follows (docs/feedback.md)
            )
            return redirect("budgets:ballot", slug=slug, heading_slug=heading_slug)
    return _ballot_page(
        request,
        heading,
        chosen=chosen,
        error=error,
        access_error=access_error,
        status=status,
    )


def _ballot_project_ids(raw) -> set[int]:
    """The project ids sent with the ballot form; anything not a number is left out."""
    return {int(x) for x in raw if str(x).isdigit()}


def _ballot_submit(request, heading, raw, *, confirmed: bool, access_error) -> None:
    """Cast the ballot on "Confirmar"; before that, check it without writing anything."""
    if access_error:
        raise Forbidden(access_error)
    if confirmed:
        services.ballot_submit(
            user=request.user, heading_id=heading.pk, project_ids=raw
        )
    else:
        # Summary before casting (issue 12): every rule of the real submission is
        # checked, then rolled back; nothing is written until "Confirmar".
        with transaction.atomic():
            services.ballot_submit(
                user=request.user, heading_id=heading.pk, project_ids=raw
            )
            transaction.set_rollback(True)


def _ballot_page(request, heading, *, chosen, error, access_error, status):
    """The ballot with the chosen projects ticked (by default the ballot already cast),
    what they cost and what is left of the heading's amount."""
    existing = selectors.ballot_get(user=request.user, heading=heading)
    if not chosen and existing is not None:
        chosen = {p.pk for p in existing.projects.all()}
    projects = list(selectors.project_list(heading=heading, ballot_only=True))
    spent = sum((p.estimated_cost for p in projects if p.pk in chosen), 0)
    return render(
        request,
        "budgets/ballot.html",
        {
            "process": heading.process,
            "heading": heading,
            "projects": projects,
            "chosen": chosen,
            "existing": existing,
            "error": error,
            "access_error": access_error,
            "remaining": heading.amount - spent,
            "spent": spent,
        },
        status=status,
    )


def results(request, slug):
    process = selectors.process_get_public(slug=slug)
    return render(
        request,
        "budgets/results.html",
        {
            "process": process,
            "headings": selectors.results_for_process(process=process),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verification(request):
    current = selectors.resident_verification_get(user=request.user)
    form = ResidentVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            current = services.resident_verification_request(
                user=request.user,
                dni=form.cleaned_data["dni"],
                birth_date=form.cleaned_data["birth_date"],
                district=form.cleaned_data["district"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            if current.status == "verified":
                messages.success(
                    request, _("Listo: ya es un vecino o vecina verificado.")
                )
            elif current.status == "pending":
                messages.info(
                    request,
                    _(
                        "Datos recibidos. Para terminar, acérquese con su DNI a una oficina de atención de la municipalidad."
                    ),
                )
            else:
                messages.error(request, current.rejection_reason)
            return redirect("budgets:verification")
    return render(
        request,
        "budgets/verification.html",
        {
            "form": form,
            "verification": current,
            "offices": selectors.verification_offices(),
        },
        status=400 if form.errors else 200,
    )


def _ballot_summary(request, heading, raw):
    """The choices, their total and what is left, with "Confirmar mi voto" (no JS)."""
    ids = _ballot_project_ids(raw)
    projects = [
        p
        for p in selectors.project_list(heading=heading, ballot_only=True)
        if p.pk in ids
    ]
    total = sum((p.estimated_cost for p in projects), 0)
    return render(
        request,
        "budgets/ballot_confirm.html",
        {
            "process": heading.process,
            "heading": heading,
            "projects": projects,
            "total": total,
            "remaining": heading.amount - total,
        },
    )
