"""The register's rules: dates with extensions and the maximum extent, decisions, alerts once and stopping on a
decision, drafting an initiative from a candidate, documents checked."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts import services
from contracts.models import Contract, ContractAlert
from core.models import User

pytestmark = pytest.mark.django_db


def cdo():
    user = User.objects.get(email="cdo@demo.digitaloffice.scot")
    user.second_factor_verified = True
    return user


def test_extensions_move_the_end_and_the_maximum_extent_caps_it(demo_data, councils, make_contract):
    contract = make_contract(councils["glasgow-city"], end=datetime.date(2027, 3, 31), extension_count=2,
                             extension_months=12, notice_months=6)
    assert contract.latest_possible_end == datetime.date(2029, 3, 31)
    assert contract.current_end_date == datetime.date(2027, 3, 31)
    assert contract.notice_date == datetime.date(2026, 9, 30)
    services.contract_record_decision(user=cdo(), contract=contract, decision="extend",
                                      decided_on=datetime.date(2026, 9, 1))
    contract.refresh_from_db()
    assert contract.extensions_taken == 1 and contract.current_end_date == datetime.date(2028, 3, 31)
    capped = make_contract(councils["fife"], end=datetime.date(2027, 3, 31), extension_count=2, extension_months=12,
                           maximum_end_date=datetime.date(2028, 1, 31), extensions_taken=2)
    assert capped.latest_possible_end == capped.current_end_date == datetime.date(2028, 1, 31)


def test_contract_rules_name_the_field(demo_data, councils):
    with pytest.raises(ValidationError) as error:
        services.contract_create(
            user=cdo(), council=councils["fife"], reference="X", title="T", supplier_name="S", cpv_code="48445000-9",
            value=1, start_date=datetime.date(2026, 1, 1), initial_end_date=datetime.date(2025, 1, 1),
            extension_count=2, maximum_end_date=datetime.date(2024, 1, 1), supplier_company_number="12",
        )
    assert {"initial_end_date", "extension_months", "maximum_end_date", "supplier_company_number"} <= set(
        error.value.message_dict)


def test_no_extension_left_is_refused(demo_data, councils, make_contract):
    contract = make_contract(councils["fife"])
    with pytest.raises(ValidationError):
        services.contract_record_decision(user=cdo(), contract=contract, decision="extend")


def test_a_council_editor_writes_only_their_own_councils_contracts(demo_data, councils, make_contract):
    editor = User.objects.get(email="editor@fife.demo.digitaloffice.scot")
    glasgow = make_contract(councils["glasgow-city"])
    with pytest.raises(PermissionDenied):
        services.contract_update(user=editor, contract=glasgow, title="Mine now")
    with pytest.raises(PermissionDenied):
        services.contract_create(user=editor, council=councils["glasgow-city"], reference="X", title="T",
                                 supplier_name="S", cpv_code="48445000-9", value=1,
                                 start_date=datetime.date(2026, 1, 1), initial_end_date=datetime.date(2027, 1, 1))
    own = make_contract(councils["fife"])
    assert services.contract_update(user=editor, contract=own, title="Renamed").title == "Renamed"


def test_alerts_go_once_per_step_to_the_owner_or_the_leads_and_stop_on_a_decision(demo_data, councils,
                                                                                 make_contract):
    Contract.objects.filter(is_demo=True).delete()
    end = datetime.date(2028, 7, 15)
    contract = make_contract(councils["glasgow-city"], end=end)  # no owner: Glasgow's digital leads
    leads = set(User.objects.filter(council=councils["glasgow-city"], is_lead=True, is_active=True)
                .values_list("email", flat=True))
    assert leads
    mail.outbox.clear()
    assert services.contract_alerts_send(on=datetime.date(2027, 1, 14)) == {}  # before 18 months
    assert services.contract_alerts_send(on=datetime.date(2027, 1, 15)) == {"sent": len(leads)}
    assert {m.to[0] for m in mail.outbox} == leads and "18 months" in mail.outbox[0].subject
    assert services.contract_alerts_send(on=datetime.date(2027, 1, 16)) == {}  # once
    assert services.contract_alerts_send(on=datetime.date(2027, 7, 20)) == {"sent": len(leads)}  # 12 months
    assert set(ContractAlert.objects.filter(contract=contract).values_list("months_before", flat=True)) == {18, 12}
    services.contract_record_decision(user=cdo(), contract=contract, decision="retender",
                                      decided_on=datetime.date(2027, 8, 1))
    assert services.contract_alerts_send(on=datetime.date(2028, 1, 20)) == {}  # 6 months, but decided
    assert services.contract_alerts_send(on=datetime.date(2028, 4, 20)) == {}


def test_an_alert_uses_the_notice_date_and_only_the_latest_step_reached(demo_data, councils, make_contract):
    Contract.objects.filter(is_demo=True).delete()
    owner = User.objects.get(email="editor@glasgow.demo.digitaloffice.scot")
    contract = make_contract(councils["glasgow-city"], end=datetime.date(2028, 1, 31), notice_months=6, owner=owner)
    assert services.act_by(contract) == datetime.date(2027, 7, 31)
    mail.outbox.clear()
    assert services.contract_alerts_send(on=datetime.date(2027, 3, 1)) == {"sent": 1}
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert list(ContractAlert.objects.values_list("months_before", flat=True)) == [6]


def test_alerts_are_one_row_each_in_the_database(demo_data, councils, make_contract):
    from django.db import IntegrityError, transaction

    contract = make_contract(councils["fife"])
    person = User.objects.get(email="editor@fife.demo.digitaloffice.scot")
    ContractAlert.objects.create(contract=contract, recipient=person, months_before=3, about_date=contract.notice_date)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractAlert.objects.create(contract=contract, recipient=person, months_before=3,
                                     about_date=contract.notice_date)


def test_the_monthly_digest_goes_once_a_month(demo_data):
    mail.outbox.clear()
    first = services.candidates_digest_send(on=datetime.date.today())
    assert first >= 1 and "collaboration candidates" in mail.outbox[0].subject
    assert services.candidates_digest_send(on=datetime.date.today()) == 0


def test_a_document_is_stored_with_its_size_and_type_checked(demo_data, councils, make_contract, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    contract = make_contract(councils["fife"])
    pdf = SimpleUploadedFile("contract.pdf", b"%PDF-1.7 signed", content_type="application/pdf")
    document = services.contract_document_add(user=cdo(), contract=contract, upload=pdf, title="Signed")
    assert document.size == 15 and document.file.storage.exists(document.file.name)
    fake = SimpleUploadedFile("contract.pdf", b"MZ executable", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        services.contract_document_add(user=cdo(), contract=contract, upload=fake, title="")
    assert "file" in error.value.message_dict
    settings.CONTRACT_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.contract_document_add(user=cdo(), contract=contract, upload=pdf, title="")


def test_drafting_an_initiative_names_the_councils_and_links_the_contracts(demo_data):
    from contracts import selectors

    data = selectors.radar(user=cdo())
    crm = next(c for c in data["candidates"] if c.category == "48445000-9")
    assert {c.name for c in crm.councils} == {"Glasgow City", "Fife", "Highland"}
    initiative = services.initiative_draft_from_candidate(user=cdo(), keys=crm.keys.split(","))
    assert initiative.stage == "proposed"
    assert set(initiative.councils.values_list("name", flat=True)) == {"Glasgow City", "Fife", "Highland"}
    assert initiative.lead_council.name == crm.expiries[0].council.name
    for contract in Contract.objects.filter(pk__in=crm.contract_ids):
        assert initiative in contract.initiatives.all()
        assert contract.reference in initiative.summary
    with pytest.raises(ValidationError):  # a tampered set: not a candidate
        services.initiative_draft_from_candidate(user=cdo(), keys=crm.keys.split(",")[:1])
    editor = User.objects.get(email="editor@glasgow.demo.digitaloffice.scot")
    with pytest.raises(PermissionDenied):
        services.initiative_draft_from_candidate(user=editor, keys=crm.keys.split(","))
