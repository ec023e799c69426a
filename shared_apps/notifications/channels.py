"""Channels a message can go through. A channel is an adapter with a `name` and `send()`; settings'
NOTIFICATION_CHANNELS maps names to dotted paths, so an SMS or LINE channel is a setting and an adapter away
(README, "Notifications"). `send()` raises on failure; the caller records it."""
from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class Channel(Protocol):
    name: str

    def send(self, *, address: str, subject: str, body: str) -> None: ...


class EmailChannel:
    name = "email"

    def send(self, *, address: str, subject: str, body: str) -> None:
        send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[address],
                  fail_silently=False)


def channel(name: str) -> Channel:
    path = getattr(settings, "NOTIFICATION_CHANNELS", {}).get(name)
    if path is None:
        raise LookupError(f"no channel named {name!r} in NOTIFICATION_CHANNELS")
    return import_string(path)()


def channel_names() -> list[str]:
    return list(getattr(settings, "NOTIFICATION_CHANNELS", {}))
