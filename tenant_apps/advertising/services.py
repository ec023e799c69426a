"""Advertising permits: the application, the officer's opinion, the local official's order, the fee,
the permit and its numbering, revocation, removal at expiry, reminders.

Every change of state goes through `_move()`, which checks the transition
against one map, records an ApplicationEvent and the audit event in the same
transaction.
"""
import contextlib
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.th import tin

from shared_apps.audit.services import audit_record
from shared_apps.calendar.selectors import fiscal_year
from shared_apps.money import MoneyError, parse_amount
from tenant_apps.billing.selectors import obligation_for
from tenant_apps.billing.services import obligation_charge
from tenant_apps.billing.signals import invoice_paid
from tenant_apps.officers.access import Action, require
from tenant_apps.published import figures as published_figures
from tenant_apps.published import person_items
from tenants.selectors import current_lao

from .models import (
    AdvertisingPolicy,
    ApplicantType,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationLocation,
    ApplicationStatus,
    DocumentKind,
    FeeBasis,
    Method,
    Permit,
    PermitCounter,
)
from .selectors import policy_get

S = ApplicationStatus
POLICY_FIELDS = ["fee_basis", "fee_amount", "max_width_m", "max_height_m", "max_days", "max_notices",
                 "apply_days_ahead", "decision_days", "banned_locations", "signer_title", "signer_user_ids"]
INVOICE_SOURCE = "advertising.application"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The allowed moves of an application, and what each is called in its history.
TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): "submitted",
    (S.MORE_INFO, S.SUBMITTED): "resubmitted",
    (S.SUBMITTED, S.MORE_INFO): "more_info_requested",
    (S.SUBMITTED, S.OPINION_GIVEN): "opinion_given",
    (S.OPINION_GIVEN, S.APPROVED): "approved",
    (S.OPINION_GIVEN, S.REFUSED): "refused",
    (S.APPROVED, S.ISSUED): "permit_issued",
    (S.ISSUED, S.REVOKED): "permit_revoked",
    (S.DRAFT, S.WITHDRAWN): "withdrawn",
    (S.SUBMITTED, S.WITHDRAWN): "withdrawn",
    (S.MORE_INFO, S.WITHDRAWN): "withdrawn",
    (S.OPINION_GIVEN, S.WITHDRAWN): "withdrawn",
    (S.APPROVED, S.WITHDRAWN): "withdrawn",
}


@transaction.atomic
def advertising_policy_update(*, actor, **changes) -> AdvertisingPolicy:
    """Change the LAO's conditions (LAO administrator); the fee never above the statute's 200 baht."""
    if actor is not None:
        require(actor, Action.MANAGE_ADVERTISING_POLICY)
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %s") % ", ".join(sorted(unknown)))
    policy, _created = AdvertisingPolicy.objects.select_for_update().get_or_create(pk=1)
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.updated_by = actor
    policy.full_clean()  # validators carry the legal cap and the bounds
    policy.save()
    audit_record(action="advertising_policy_changed", actor=actor, target="advertising conditions",
                 changes={name: str(value) for name, value in changes.items()})
    return policy


def _move(application: Application, to: str, *, actor, request=None, note: str = "") -> Application:
    kind = TRANSITIONS.get((application.status, to))
    if kind is None:
        raise ValidationError(_("An application that is “%(status)s” cannot be %(action)s.")
                              % {"status": application.get_status_display(), "action": S(to).label.lower()},
                              code="out_of_order")
    ApplicationEvent.objects.create(application=application, from_status=application.status, to_status=to,
                                    actor=actor, note=note)
    application.status = to
    published_figures.publish_permits()  # oversight: recounted after commit
    person_items.applications_changed([application.pk])  # the applicant's "My account": after commit
    audit_record(action=f"advertising_{kind}", request=request, actor=actor, target=f"application #{application.pk}",
                 application=application.pk, note=note[:500])
    return application


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _require_applicant(application: Application, actor) -> None:
    if getattr(actor, "pk", None) != application.applicant_id:
        raise PermissionDenied(_("Only the applicant may do this."))


# --- the applicant ----------------------------------------------------------------------------------

APPLICATION_FIELDS = ["applicant_type", "juristic_tax_id", "juristic_name", "method", "message_gist", "width_m",
                      "height_m", "notice_count", "start_date", "end_date", "undertakes_removal"]


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(APPLICATION_FIELDS) - {"locations"}
    if unknown:
        raise ValidationError(_("Unknown field(s): %s") % ", ".join(sorted(unknown)))
    cleaned = dict(fields)
    errors = []
    if "method" in cleaned and cleaned["method"] not in Method.values:
        errors.append(_("Choose posting, dropping or scattering."))
    for name in ("width_m", "height_m"):
        if name in cleaned:
            try:
                cleaned[name] = parse_amount(cleaned[name])
                if cleaned[name] <= 0:
                    raise MoneyError
            except MoneyError:
                errors.append(_("The size must be in metres, above zero, at most 2 decimals."))
    if "notice_count" in cleaned:
        try:
            cleaned["notice_count"] = int(cleaned["notice_count"])
            if cleaned["notice_count"] <= 0:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(_("The number of notices must be a whole number above zero."))
    for name in ("start_date", "end_date"):
        if name in cleaned and not isinstance(cleaned[name], datetime.date):
            try:
                cleaned[name] = datetime.date.fromisoformat(str(cleaned[name]))
            except ValueError:
                errors.append(_("Dates are written YYYY-MM-DD."))
        # A Buddhist-era year given where a Christian-era date is meant (the API's YYYY-MM-DD): refused rather
        # than kept as a date 543 years ahead. The pages read Buddhist-era dates themselves.
        if isinstance(cleaned.get(name), datetime.date) and cleaned[name].year >= 2400:
            errors.append(_("%(date)s has a Buddhist-era year: write dates YYYY-MM-DD in the Christian era "
                            "(2569 is 2026).") % {"date": cleaned[name].isoformat()})
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def application_save_draft(*, applicant, application: Application | None = None, request=None,
                           **fields) -> Application:
    """Create or change a draft; it is checked against the LAO's conditions when submitted."""
    if not applicant or not applicant.is_authenticated or not applicant.national_id:
        raise PermissionDenied(_("Sign in with DOPA Digital ID to apply."))
    fields = _clean_fields(fields)
    locations = fields.pop("locations", None)
    if application is None:
        defaults = {"message_gist": "", "width_m": Decimal("0.01"), "height_m": Decimal("0.01"), "notice_count": 1,
                    "start_date": timezone.localdate(), "end_date": timezone.localdate(), "method": Method.POSTING}
        application = Application.objects.create(applicant=applicant, **{**defaults, **fields})
        ApplicationEvent.objects.create(application=application, to_status=S.DRAFT, actor=applicant)
    else:
        application = _locked(application)
        _require_applicant(application, applicant)
        if application.status not in (S.DRAFT, S.MORE_INFO):
            raise ValidationError(_("Only a draft, or an application sent back for more information, can be "
                                    "changed."), code="out_of_order")
        for name, value in fields.items():
            setattr(application, name, value)
        application.save()
    if locations is not None:
        application.locations.all().delete()
        for place in locations:
            description = str(place.get("description", "")).strip()
            if description:
                ApplicationLocation.objects.create(application=application, description=description[:300],
                                                   latitude=place.get("latitude") or None,
                                                   longitude=place.get("longitude") or None)
    return application


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def document_check(*, kind: str, upload) -> str:
    """Whether an upload may be stored as this kind of document: JPEG, PNG or PDF (by content, not name),
    at most 5 MB. Returns its content type; raises ValidationError with a message naming the file."""
    if kind not in DocumentKind.values:
        raise ValidationError(_("Unknown kind of document."))
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": upload.name}, code="too_large")
    head = upload.read(16)
    upload.seek(0)
    content_type = _sniff(head)
    allowed = {"image/jpeg", "image/png"} if kind in (DocumentKind.SAMPLE, DocumentKind.REMOVAL_PHOTO) else \
        {"image/jpeg", "image/png", "application/pdf"}
    if content_type not in allowed:
        raise ValidationError(_("“%(name)s” must be a JPEG or PNG image%(pdf)s.")
                              % {"name": upload.name, "pdf": "" if kind == DocumentKind.SAMPLE else _(" or a PDF")},
                              code="wrong_type")
    return content_type


@transaction.atomic
def document_upload(*, application: Application, kind: str, upload, actor, request=None) -> ApplicationDocument:
    """Store an upload in this LAO's folder (see document_check). A file refused is not stored at all."""
    application = _locked(application)
    _require_applicant(application, actor)
    if kind == DocumentKind.REMOVAL_PHOTO:
        if application.status != S.ISSUED:
            raise ValidationError(_("A removal photo belongs to an issued permit."), code="out_of_order")
    elif application.status not in (S.DRAFT, S.MORE_INFO):
        raise ValidationError(_("Documents are added while the application is a draft or needs more "
                                "information."), code="out_of_order")
    content_type = document_check(kind=kind, upload=upload)
    document = ApplicationDocument(application=application, kind=kind, original_name=upload.name[:200],
                                   content_type=content_type, size=upload.size, uploaded_by=actor)
    document.file.save(upload.name, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)  # nothing left behind if the row cannot be saved
        raise
    audit_record(action="advertising_document_uploaded", request=request, actor=actor,
                 target=f"application #{application.pk}", kind=kind, size=upload.size)
    return document


@transaction.atomic
def application_save_with_documents(*, applicant, application: Application | None = None,
                                    documents: dict[str, list], request=None, **fields) -> Application:
    """The form's save: the draft and its new documents together, or nothing (no draft is left behind by a
    refused file; files already written are removed again)."""
    stored = []
    try:
        application = application_save_draft(applicant=applicant, application=application, request=request,
                                              **fields)
        for kind, uploads in documents.items():
            for upload in uploads:
                stored.append(document_upload(application=application, kind=kind, upload=upload, actor=applicant,
                                              request=request))
    except Exception:
        for document in stored:
            document.file.delete(save=False)
        raise
    return application


def policy_problems(application: Application, *, today: datetime.date) -> dict[str, list[str]]:
    """Every way the application breaks the LAO's conditions, in the applicant's language, by the field it
    is about (the form shows each beside its field)."""
    policy = policy_get()
    problems: dict[str, list[str]] = {}

    def problem(field, message):
        problems.setdefault(field, []).append(message)

    if application.end_date < application.start_date:
        problem("end_date", _("The end date is before the start date."))
    if application.start_date < today:
        problem("start_date", _("The start date has passed."))
    elif (application.start_date - today).days < policy.apply_days_ahead:
        problem("start_date", _("Apply at least %(days)d days before the start.") % {"days": policy.apply_days_ahead})
    days = (application.end_date - application.start_date).days + 1
    if days > policy.max_days:
        problem("end_date", _("The period is %(days)d days; this LAO allows at most %(max)d.")
                % {"days": days, "max": policy.max_days})
    if application.notice_count > policy.max_notices:
        problem("notice_count", _("%(count)d notices; this LAO allows at most %(max)d per application.")
                % {"count": application.notice_count, "max": policy.max_notices})
    if application.width_m > policy.max_width_m or application.height_m > policy.max_height_m:
        problem("width_m" if application.width_m > policy.max_width_m else "height_m",
                _("A notice of %(w)s × %(h)s m is larger than the %(mw)s × %(mh)s m allowed.")
                % {"w": application.width_m, "h": application.height_m, "mw": policy.max_width_m,
                   "mh": policy.max_height_m})
    if not application.message_gist.strip():
        problem("message_gist", _("Give the gist of the message."))
    if not application.locations.exists():
        problem("location", _("Give at least one place."))
    if not application.documents.filter(kind=DocumentKind.SAMPLE).exists():
        problem("sample", _("Upload a sample of the notice."))
    if not application.undertakes_removal:
        problem("undertakes_removal", _("Undertake to remove the notices when the permit ends."))
    if application.applicant_type == ApplicantType.JURISTIC and not (
            tin.is_valid(application.juristic_tax_id) and application.juristic_name.strip()):
        problem("juristic_tax_id", _("Give the juristic person's name and valid 13-digit tax ID."))
    return problems


def check_against_policy(application: Application, *, today: datetime.date) -> list[str]:
    """The same problems as one list."""
    return [message for messages in policy_problems(application, today=today).values() for message in messages]


def check_submittable(*, application: Application, today: datetime.date | None = None) -> None:
    """What submitting would refuse about the application's content, by field (nothing is changed)."""
    problems = policy_problems(application, today=today or timezone.localdate())
    if problems:
        raise ValidationError({field: [ValidationError(message, code="against_policy") for message in messages]
                               for field, messages in problems.items()})


@transaction.atomic
def application_submit(*, application: Application, actor, today: datetime.date | None = None,
                       request=None) -> Application:
    today = today or timezone.localdate()
    application = _locked(application)
    _require_applicant(application, actor)
    if application.status not in (S.DRAFT, S.MORE_INFO):
        raise ValidationError(_("This application has already been submitted."), code="out_of_order")
    check_submittable(application=application, today=today)
    first = application.status == S.DRAFT
    _move(application, S.SUBMITTED, actor=actor, request=request)
    if first:
        application.submitted_at = timezone.now()
        application.decision_due = today + datetime.timedelta(days=policy_get().decision_days)
    application.save()
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor, reason: str = "", request=None) -> Application:
    application = _locked(application)
    _require_applicant(application, actor)
    _move(application, S.WITHDRAWN, actor=actor, request=request, note=reason)
    application.save()
    if obligation_for(source=INVOICE_SOURCE, source_id=application.pk) is not None:  # the fee is owed no more
        _fee_charge(application, amount=0, actor=actor, request=request, note=_("application withdrawn"))
    return application


# --- officers -------------------------------------------------------------------------------------

@transaction.atomic
def application_request_info(*, application: Application, actor, note: str, request=None) -> Application:
    require(actor, Action.GIVE_OPINION)
    if not note.strip():
        raise ValidationError(_("Say what information is needed."))
    application = _locked(application)
    _move(application, S.MORE_INFO, actor=actor, request=request, note=note)
    application.info_request = note.strip()
    application.save()
    transaction.on_commit(lambda: _notify(application, "info_requested", "info", lambda: (
        _("More information needed for your application"), note.strip())))
    return application


@transaction.atomic
def application_give_opinion(*, application: Application, actor, opinion: str, recommends: str,
                             request=None) -> Application:
    """ความเห็นของเจ้าหน้าที่: the clerk's opinion and recommendation, for the official's order."""
    require(actor, Action.GIVE_OPINION)
    if recommends not in ("approve", "refuse") or not opinion.strip():
        raise ValidationError(_("Write the opinion and recommend approving or refusing."))
    application = _locked(application)
    _move(application, S.OPINION_GIVEN, actor=actor, request=request, note=opinion)
    application.opinion, application.opinion_recommends = opinion.strip(), recommends
    application.opinion_by, application.opinion_at = actor, timezone.now()
    application.save()
    return application


def fee_for(application: Application) -> Decimal:
    policy = policy_get()
    fee = policy.fee_amount * (application.notice_count if policy.fee_basis == FeeBasis.PER_SIGN else 1)
    return fee


GENERIC_SIGNER_TITLE = AdvertisingPolicy._meta.get_field("signer_title").default


def signer_title_default(lao=None) -> str:
    """The title an order is signed with unless the signer gives their own: the LAO's conditions', or the
    head of this LAO's (นายกองค์การบริหารส่วนตำบล…, นายกเทศมนตรี…, นายกเมืองพัทยา)."""
    title = policy_get().signer_title.strip()
    if title and title != GENERIC_SIGNER_TITLE:
        return title
    lao = lao or current_lao()
    if lao is None:
        return title
    name = lao.full_name_th
    if name.startswith("เทศบาล"):
        return "นายกเทศมนตรี" + name.removeprefix("เทศบาล")
    return "นายก" + name


@transaction.atomic
def application_order(*, application: Application, actor, approve: bool, conditions: str = "", reasons: str = "",
                      signer_title: str = "", request=None) -> Application:
    """คำสั่งของเจ้าพนักงานท้องถิ่น: approve with conditions (the fee becomes due), or refuse with reasons.
    The order keeps the signer's own name and title (the permit prints them)."""
    require(actor, Action.SIGN_ORDERS)
    policy = policy_get()
    if policy.signer_user_ids and actor.pk not in policy.signer_user_ids:
        raise PermissionDenied(_("This LAO has named who may sign orders, and you are not one of them."))
    application = _locked(application)
    if approve:
        _move(application, S.APPROVED, actor=actor, request=request, note=conditions)
        application.order_conditions = conditions.strip()
        application.fee_amount = fee_for(application)
    else:
        if not reasons.strip():
            raise ValidationError(_("Give the reasons for refusing."))
        _move(application, S.REFUSED, actor=actor, request=request, note=reasons)
        application.order_reasons = reasons.strip()
    application.order_by, application.order_at = actor, timezone.now()
    application.order_signer_name = actor.display_name[:200]
    application.order_signer_title = (signer_title.strip() or signer_title_default())[:200]
    application.save()
    if approve:
        if application.fee_amount > 0:
            _fee_charge(application, amount=application.fee_amount, actor=actor, request=request)
        else:
            permit_issue(application=application, actor=actor, request=request)
    transaction.on_commit(lambda: _notify(application, "decision", "order", lambda: (
        _("Decision on your advertising application"), conditions or reasons)))
    return application


def _fee_charge(application: Application, *, amount, actor, request, note: str = ""):
    """The permit fee as the application's obligation in billing (set to 0 when it is owed no more)."""
    payer_key = (f"tin:{application.juristic_tax_id}" if application.applicant_type == ApplicantType.JURISTIC
                 else f"user:{application.applicant_id}")
    return obligation_charge(
        source=INVOICE_SOURCE, source_id=application.pk, part="fee", amount=amount,
        due_date=max(timezone.localdate(), application.start_date - datetime.timedelta(days=1)),
        description=_("Advertising permit fee, application #%(id)d") % {"id": application.pk},
        payer_name=_applicant_name(application), payer_key=payer_key, service="advertising", note=note,
        actor=actor, request=request)


def _applicant_name(application: Application) -> str:
    from django.contrib.auth import get_user_model

    if application.applicant_type == ApplicantType.JURISTIC:
        return application.juristic_name
    user = get_user_model().objects.filter(pk=application.applicant_id).first()
    return user.display_name if user else ""


@transaction.atomic
def permit_issue(*, application: Application, actor=None, request=None) -> Permit:
    """The permit, numbered within the fiscal year of its issue (1 Oct – 30 Sep)."""
    application = _locked(application)
    existing = Permit.objects.filter(application=application).first()
    if existing is not None:
        return existing  # issuing twice is harmless (a payment notified twice, say)
    now = timezone.now()
    year = fiscal_year(timezone.localdate(now))
    counter, _created = PermitCounter.objects.select_for_update().get_or_create(fiscal_year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    permit = Permit.objects.create(
        application=application, fiscal_year=year, number=counter.last_number, issued_at=now,
        valid_from=application.start_date, valid_to=application.end_date, method=application.method,
        notice_count=application.notice_count)
    _move(application, S.ISSUED, actor=actor, request=request, note=permit.display_number)
    application.save()
    transaction.on_commit(lambda: _notify(application, "decision", "issued", lambda: (
        _("Your advertising permit %(number)s") % {"number": permit.display_number}, "")))
    from .documents import permit_issue_on_commit

    permit_issue_on_commit(permit)  # signed by the LAO and stored once committed
    return permit


@receiver(invoice_paid)
def fee_paid(sender, invoice, schema_name=None, **kwargs):
    """Billing says the fee is paid: issue the permit (its own transaction, after the payment's)."""
    if invoice.source != INVOICE_SOURCE:  # senders are strings: compared by value here, not by identity
        return
    from django_tenants.utils import schema_context

    with schema_context(schema_name) if schema_name else contextlib.nullcontext():
        application = Application.objects.filter(pk=invoice.source_id, status=S.APPROVED).first()
        if application is not None:
            permit_issue(application=application)


@transaction.atomic
def permit_revoke(*, permit: Permit, actor, reasons: str, request=None) -> Permit:
    require(actor, Action.SIGN_ORDERS)
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for revoking."))
    permit = Permit.objects.select_for_update().select_related("application").get(pk=permit.pk)
    if permit.revoked_at:
        raise ValidationError(_("This permit is already revoked."), code="out_of_order")
    permit.revoked_at, permit.revoked_by, permit.revoke_reasons = timezone.now(), actor, reasons.strip()
    permit.save(update_fields=["revoked_at", "revoked_by", "revoke_reasons"])
    application = _locked(permit.application)
    _move(application, S.REVOKED, actor=actor, request=request, note=reasons)
    application.save()
    transaction.on_commit(lambda: _notify(application, "decision", "revoked", lambda: (
        _("Your advertising permit %(number)s was revoked") % {"number": permit.display_number}, reasons)))
    return permit


@transaction.atomic
def removal_confirm(*, permit: Permit, actor, photo=None, request=None) -> Permit:
    """The notices were taken down: a photo from the holder, or an officer's check on site."""
    permit = Permit.objects.select_for_update().select_related("application").get(pk=permit.pk)
    if permit.removal_confirmed_at:
        return permit
    if getattr(actor, "pk", None) == permit.application.applicant_id:
        if photo is None:
            raise ValidationError(_("Upload a photo showing the notices removed."))
        document_upload(application=permit.application, kind=DocumentKind.REMOVAL_PHOTO, upload=photo,
                        actor=actor, request=request)
        evidence = "photo"
    else:
        require(actor, Action.CHECK_REMOVAL)
        evidence = "officer_check"
    permit.removal_confirmed_at, permit.removal_confirmed_by = timezone.now(), actor
    permit.removal_evidence = evidence
    permit.save(update_fields=["removal_confirmed_at", "removal_confirmed_by", "removal_evidence"])
    person_items.applications_changed([permit.application_id])  # the notice to remove is settled
    audit_record(action="advertising_removal_confirmed", request=request, actor=actor,
                 target=permit.display_number, evidence=evidence)
    return permit


# --- reminders ------------------------------------------------------------------------------------

def _notify(application: Application, kind: str, event: str, compose) -> None:
    """Tell the applicant, through the one notification interface (their language, channels and verified address;
    decisions are legal notices, always sent): `compose()` gives (subject, body) in the applicant's language."""
    from django.contrib.auth import get_user_model

    from shared_apps.notifications.services import notify
    from shared_apps.person_items.links import go_link

    user = get_user_model().objects.filter(pk=application.applicant_id).first()
    lao = current_lao()
    if user is None or lao is None:
        return
    path = f"/advertising/applications/{application.pk}/"

    def message():
        subject, body = compose()
        return subject, "\n".join(filter(None, [lao.full_name_th, body]))

    notify(user=user, kind=kind, key=f"lao_{lao.pk}:application:{application.pk}:{event}", lao=lao, compose=message,
           link=go_link(dla_code=lao.dla_code, path=path))


def permit_reminders_send(*, today: datetime.date | None = None, now=None) -> int:
    """The permits' reminders of this LAO: before a permit ends (3 days and 1 day), then the notice to remove
    every 3 days after it until removal is confirmed — from the published items (recomputed here first), through
    the same interface and rules as every reminder (shared_apps.person_items.reminders): at most one a day per
    permit. Returns how many were sent or queued."""
    from shared_apps.person_items.models import ItemKind, PersonItem
    from shared_apps.person_items.reminders import lao_reminders_send
    from tenant_apps.published.person_items import publish

    today = today or timezone.localdate()
    lao = current_lao()
    standing = set(Permit.objects.filter(revoked_at__isnull=True, removal_confirmed_at__isnull=True)
                   .values_list("application_id", flat=True))
    published_ids = [int(key[7:]) for key in PersonItem.objects.filter(lao_id=lao.pk, key__startswith="permit:")
                     .values_list("key", flat=True)]  # and those published once: settled since, they go
    standing |= set(Permit.objects.filter(pk__in=published_ids).values_list("application_id", flat=True))
    if standing:
        publish(schema=connection.schema_name, sources={"application": standing}, today=today)
    return lao_reminders_send(lao_id=lao.pk, day=today, now=now,
                              kinds=[ItemKind.PERMIT_ENDING, ItemKind.REMOVAL_NOTICE])


ACTIONS = ["submit", "withdraw", "request_info", "opinion", "approve", "refuse", "revoke", "removed"]


def application_act(*, application: Application, action: str, actor, note: str = "", recommends: str = "",
                    photo=None, signer_title: str = "", request=None) -> Application:
    """One entry for the pages and the API: each action goes to its service, which checks role and order."""
    if action == "submit":
        return application_submit(application=application, actor=actor, request=request)
    if action == "withdraw":
        return application_withdraw(application=application, actor=actor, reason=note, request=request)
    if action == "request_info":
        return application_request_info(application=application, actor=actor, note=note, request=request)
    if action == "opinion":
        return application_give_opinion(application=application, actor=actor, opinion=note, recommends=recommends,
                                        request=request)
    if action in ("approve", "refuse"):
        return application_order(application=application, actor=actor, approve=action == "approve",
                                 conditions=note, reasons=note, signer_title=signer_title, request=request)
    if action in ("revoke", "removed"):
        permit = Permit.objects.filter(application=application).first()
        if permit is None:
            raise ValidationError(_("There is no permit yet."), code="out_of_order")
        if action == "revoke":
            permit_revoke(permit=permit, actor=actor, reasons=note, request=request)
        else:
            removal_confirm(permit=permit, actor=actor, photo=photo, request=request)
        return Application.objects.get(pk=application.pk)
    raise ValidationError(_("Unknown action."))
