"""A few seconds' cache of API-key lookups, shared by the web processes (Django's cache: Redis in
production), so a busy client does not join api key, membership, user and organization on every
request. What is cached is the key row with its membership, user and organization; the secret
is still compared with the stored hash on every request, and usability (revocation, expiry,
active membership and user) is checked on the cached rows as on fresh ones.

Revocation and every change of a key, its membership or its user drop the entry at once
(``post_save``/``post_delete`` signals, and ``forget`` after queryset updates), in every process
since the cache is shared; ``API_CREDENTIAL_CACHE_SECONDS`` (0 turns it off) bounds anything else."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save


def _key(key_id: str) -> str:
    return f"api-credential:{key_id}"


def seconds() -> int:
    return int(getattr(settings, "API_CREDENTIAL_CACHE_SECONDS", 5))


def get(key_id: str):
    if seconds() <= 0:
        return None
    return cache.get(_key(key_id))


def put(api_key) -> None:
    if seconds() > 0:
        cache.set(_key(api_key.key_id), api_key, seconds())


def forget(key_ids) -> None:
    keys = [_key(key_id) for key_id in key_ids if key_id]
    if keys:
        cache.delete_many(keys)


def _forget_key(sender, instance, **kwargs) -> None:
    forget([instance.key_id])


def _forget_membership(sender, instance, **kwargs) -> None:
    from helpdesk.models import ApiKey

    forget(ApiKey.objects.filter(membership_id=instance.pk).values_list("key_id", flat=True))


def _forget_user(sender, instance, **kwargs) -> None:
    from helpdesk.models import ApiKey

    forget(ApiKey.objects.filter(membership__user_id=instance.pk).values_list("key_id", flat=True))


def register_credential_cache_invalidation() -> None:
    from helpdesk.models import ApiKey, Membership, Organization, User

    for signal in (post_save, post_delete):
        signal.connect(_forget_key, sender=ApiKey, dispatch_uid=f"credential-cache-key-{signal}")
        signal.connect(
            _forget_membership, sender=Membership, dispatch_uid=f"credential-cache-member-{signal}"
        )
        signal.connect(_forget_user, sender=User, dispatch_uid=f"credential-cache-user-{signal}")
    post_save.connect(_forget_organization, sender=Organization, dispatch_uid="credential-cache-organization")


def _forget_organization(sender, instance, **kwargs) -> None:
    from helpdesk.models import ApiKey

    forget(ApiKey.objects.filter(organization_id=instance.pk).values_list("key_id", flat=True))
