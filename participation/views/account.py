"""A person's notification settings and unsubscribe links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openlima.errors import ApplicationError

from .. import services
from ..forms import (
    NotificationSettingsForm,
)


@login_required
def notification_settings(request):
    prefs = services.notification_settings_get(user=request.user)
    form = NotificationSettingsForm(
        request.POST or None,
        initial={
            "frequency": prefs.frequency,
            "follow_own_proposals": prefs.follow_own_proposals,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(
            user=request.user,
            frequency=form.cleaned_data["frequency"],
            follow_own_proposals=form.cleaned_data["follow_own_proposals"],
        )
        messages.success(request, _("Preferencias guardadas."))
        return redirect("participation:notification_settings")
    return render(request, "participation/notification_settings.html", {"form": form})


def unsubscribe(request, token):
    if request.method == "POST":
        try:
            services.unsubscribe_by_token(token=token)
        except ApplicationError as exc:
            return render(
                request,
                "participation/unsubscribe.html",
                {"error": exc.message},
                status=400,
            )
        return render(request, "participation/unsubscribe.html", {"done": True})
    return render(request, "participation/unsubscribe.html", {"token": token})
