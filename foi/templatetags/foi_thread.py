"""`{% foi_thread document %}`: the FOI request a document came from, as a thread.

Used by the public document page (templates/site/document.html loads this library), so the
site shows the request's messages in order and every attachment with its state without
importing this app: the template engine finds the tag through INSTALLED_APPS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.db.models import Prefetch, Q

from datascores.documents.models import Status

from ..models import Attachment, FoiRequest, Message

register = template.Library()

PUBLIC = (Status.DONE, Status.FAILED)  # the states whose document pages exist
SITE_NAMES = {"www.whatdotheyknow.com": "WhatDoTheyKnow", "whatdotheyknow.com": "WhatDoTheyKnow"}


def request_for(document) -> FoiRequest | None:
    if document is None or not getattr(document, "pk", None):
        return None
    return (
        FoiRequest.objects.filter(Q(correspondence=document) | Q(attachments__document=document))
        .distinct()
        .first()
    )


@register.inclusion_tag("foi/thread.html")
def foi_thread(document) -> dict:
    req = request_for(document)
    if req is None:
        return {"foi_request": None}
    attachments = Attachment.objects.select_related("document").order_by("position", "id")
    messages = list(
        Message.objects.filter(request=req)
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("position", "id")
    )
    rows = []
    for m in messages:
        files = []
        for a in m.attachments.all():
            linked = a.document_id and a.document.status in PUBLIC
            files.append(
                {
                    "name": a.filename or "Hidden attachment",
                    "state": a.state,
                    "state_label": a.get_state_display(),
                    "url": a.document.get_absolute_url() if linked else "",
                    "current": a.document_id == document.pk,
                }
            )
        rows.append({"message": m, "files": files})
    host = urlsplit(req.site).netloc
    return {
        "foi_request": req,
        "rows": rows,
        "site_name": SITE_NAMES.get(host, host),
        "is_correspondence": req.correspondence_id == document.pk,
        "correspondence_url": (
            req.correspondence.get_absolute_url()
            if req.correspondence_id
            and req.correspondence_id != document.pk
            and req.correspondence.status in PUBLIC
            else ""
        ),
    }
