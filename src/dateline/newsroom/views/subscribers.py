"""The wire's subscribers, for chief editors: add one (its key and webhook signing secret are
shown on the answer to that request and never again), revoke or rotate a key, read a
subscriber's access log and webhook deliveries, and send a dead letter again. The changes
themselves are `wire.subscribers`'."""

from contextlib import suppress

from django import forms
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from dateline.accounts.models import Role
from dateline.editions.models import Edition
from dateline.newsroom.access import forbidden, member_required
from dateline.newsroom.views.lists import _page
from dateline.stories.models import Section
from dateline.stories.tagging import tag_names
from dateline.stories.workflow import role_of
from dateline.wire import subscribers, webhooks
from dateline.wire.models import DEFAULT_RATE, Delivery, Subscriber

LOG_LINES = 100


class SubscriberForm(forms.Form):
    name = forms.CharField(max_length=200)
    editions = forms.ModelMultipleChoiceField(
        Edition.objects.all(),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every edition.",
    )
    sections = forms.ModelMultipleChoiceField(
        Section.objects.select_related("edition"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every section.",
    )
    tags = forms.CharField(
        required=False, max_length=2000, help_text="Tag slugs, separated by commas; none: all."
    )
    webhook_url = forms.CharField(label="Webhook address", required=False, max_length=500)
    rate_limit = forms.CharField(max_length=16, initial=DEFAULT_RATE, help_text="e.g. 600/m")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].label_from_instance = lambda s: f"{s.edition.code}: {s.name}"


def chief_editor_required(view):
    @member_required
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if role_of(request.user) != Role.CHIEF_EDITOR:
            return forbidden(request, "Only chief editors manage the wire's subscribers.")
        return view(request, *args, **kwargs)

    return checked


@chief_editor_required
def subscriber_list(request: HttpRequest) -> HttpResponse:
    form = SubscriberForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = subscribers.add_subscriber(
                data["name"],
                editions=[edition.code for edition in data["editions"]],
                webhook_url=data["webhook_url"],
                rate_limit=data["rate_limit"],
                sections=data["sections"],
                tags=tag_names(data["tags"]),
            )
        except subscribers.Refused as refused:
            form.add_error(None, str(refused))
        else:
            form = SubscriberForm()
    dead = Count("deliveries", filter=Q(deliveries__state=Delivery.State.DEAD))
    listed = Subscriber.objects.prefetch_related("editions").annotate(dead=dead)
    context = {"title": "Subscribers", "form": form, "subscribers": listed, "issued": issued}
    return _page(request, "subscribers.html", context)


@chief_editor_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, pk=pk)
    with suppress(subscribers.Refused):  # revoked already: the list shows it
        subscribers.revoke(subscriber)
    return redirect("newsroom:subscribers")


@chief_editor_required
@require_POST
def rotate(request: HttpRequest, pk: int) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, pk=pk)
    try:
        api_key = subscribers.rotate(subscriber)
    except subscribers.Refused as refused:
        return forbidden(request, str(refused))
    context = {"title": "New key", "subscriber": subscriber, "api_key": api_key}
    return _page(request, "subscriber_key.html", context)


@chief_editor_required
@require_POST
def redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk)
    with suppress(webhooks.Refused):  # not a dead letter (any more): the page shows its state
        webhooks.redeliver(delivery)
    return redirect("newsroom:subscriber-log", delivery.subscriber_id)


@chief_editor_required
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, pk=pk)
    entries = subscriber.log.all()[:LOG_LINES]
    deliveries = subscriber.deliveries.select_related("story", "change")[:LOG_LINES]
    context = {
        "title": f"{subscriber.name}: access log and deliveries",
        "subscriber": subscriber,
        "entries": entries,
        "deliveries": deliveries,
    }
    return _page(request, "subscriber_log.html", context)
