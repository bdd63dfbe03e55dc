"""Accounts (Django auth), saved searches and one-click unsubscribe.

Every saved-search view filters by the signed-in user: another user's search is a 404,
never shown and never changed. Unsubscribe links carry a signed token naming one user's
one search; they work without signing in and reveal nothing but that search's name.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import alerts, engine
from .models import Frequency, Invitation, SavedSearch


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Alerts are sent here.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, token: str = "") -> HttpResponse:
    """Open sign-up when SIGNUP_OPEN, else only with an unused invitation's token."""
    invitation = None
    if token:
        invitation = Invitation.objects.filter(token=token, used_at__isnull=True).first()
        if invitation is None:
            raise Http404("This invitation is not valid (or was already used).")
    elif not settings.SIGNUP_OPEN:
        return render(request, "alerts/signup_closed.html", status=403)
    form = SignupForm(
        request.POST or None, initial={"email": invitation.email if invitation else ""}
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            if invitation is not None:
                updated = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
                    used_at=timezone.now(), user=user
                )
                if not updated:  # used by someone else a moment ago
                    transaction.set_rollback(True)
                    raise Http404("This invitation was already used.")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("saved_searches")
    return render(request, "alerts/signup.html", {"form": form, "invitation": invitation})


@login_required
def saved_searches(request: HttpRequest) -> HttpResponse:
    """The user's saved searches, each with what is new since they last opened it."""
    rows = []
    for saved in request.user.saved_searches.all():
        new = None
        try:
            found = alerts.new_since(
                alerts.state_for(saved.query), saved.last_visit_at, alerts.NEW_MARKER_CAP
            )
            new = len(found)
        except (engine.QueryError, engine.SearchUnavailable):
            pass
        rows.append(
            {
                "saved": saved,
                "new": new,
                "new_capped": new is not None and new >= alerts.NEW_MARKER_CAP,
                "search_url": alerts.search_url(saved.query),
                "feed_url": reverse("search_feed") + ("?" + saved.query if saved.query else ""),
            }
        )
    return render(
        request,
        "alerts/saved_searches.html",
        {"rows": rows, "frequencies": Frequency.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def save_search(request: HttpRequest) -> HttpResponse:
    """GET (from the search page's link): a form to name the search and choose alerts."""
    if request.method == "GET":
        state = alerts.state_for(request.GET.urlencode())
        ctx = {
            "query": alerts.canonical_query(state),
            "name": state.q or "All documents",
            "frequencies": Frequency.choices,
            "search_url": alerts.search_url(alerts.canonical_query(state)),
        }
        return render(request, "alerts/save.html", ctx)
    state = alerts.state_for(request.POST.get("query", ""))
    query = alerts.canonical_query(state)
    name = (request.POST.get("name") or state.q or "All documents").strip()[:200]
    frequency = request.POST.get("frequency", Frequency.NEVER)
    if frequency not in Frequency.values:
        frequency = Frequency.NEVER
    try:
        with transaction.atomic():
            SavedSearch.objects.create(
                user=request.user, name=name, query=query, frequency=frequency
            )
    except IntegrityError:
        pass  # already saved: nothing to do
    return redirect("saved_searches")


@login_required
@require_POST
def update_search(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    if request.POST.get("delete"):
        saved.delete()
        return redirect("saved_searches")
    frequency = request.POST.get("frequency")
    if frequency in Frequency.values and frequency != saved.frequency:
        saved.frequency = frequency
        saved.last_alert_at = timezone.now()  # the first digest covers what comes next
        saved.save(update_fields=["frequency", "last_alert_at"])
    return redirect("saved_searches")


@login_required
def open_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Go to the saved search's results; what was new is no longer new."""
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    SavedSearch.objects.filter(pk=saved.pk).update(last_visit_at=timezone.now())
    return HttpResponseRedirect(alerts.search_url(saved.query))


@csrf_exempt  # the signed token is the credential (RFC 8058 one-click POST from mail apps)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    saved = alerts.saved_search_for_token(token)
    if saved is None:
        return render(request, "alerts/unsubscribed.html", {"saved": None}, status=404)
    if saved.frequency != Frequency.NEVER:
        SavedSearch.objects.filter(pk=saved.pk).update(frequency=Frequency.NEVER)
    return render(request, "alerts/unsubscribed.html", {"saved": saved})
