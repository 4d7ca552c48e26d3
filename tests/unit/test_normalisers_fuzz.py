"""Fuzzing: every API record normaliser turns arbitrary JSON into a record or the declared
``UnexpectedResponse``, never another exception.

The default run uses a modest number of examples; the dedicated run is
``MWTUI_FUZZ_EXAMPLES=10000 python -m pytest -m fuzz tests/test_fuzz_normalisers.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mwtui.importers.accounting import bexio, lexware, sevdesk
from mwtui.importers.accounting.errors import (
    DocumentRefused,
    NotFound,
    RequestRejected,
    UnexpectedResponse,
)

DEFAULT_EXAMPLES = 150
FUZZ_EXAMPLES = int(os.environ.get("MWTUI_FUZZ_EXAMPLES", "10000"))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["0", "1", "", "1.5", "19.00", "2026-03-29T02:30:00+02:00",
                     "2026-10-25 02:30:00", "2026-03-29", "AB-1118", "-", "NaN", "1e400",
                     "0001-01-01T00:00:00.000+01:00", "Contact", "Order", "LI", "AB"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=5),
    ),
    max_leaves=25,
)

# Keys the normalisers read, so that generated objects reach deep into the code.
SEVDESK_KEYS = ["id", "objectName", "name", "surename", "familyname", "customerNumber",
                "category", "update", "create", "orderNumber", "orderType", "contact",
                "header", "address", "addressName", "sumNet", "sumGross", "currency",
                "status", "origin", "orderDate", "street", "zip", "city", "country", "main",
                "type", "value", "key", "objects", "error", "content", "filename",
                "mimetype", "base64Encoded"]
BEXIO_KEYS = ["id", "nr", "name_1", "name_2", "contact_type_id", "street_name",
              "house_number", "address", "postcode", "city", "country_id", "mail",
              "mail_second", "phone_fixed", "phone_mobile", "updated_at", "document_nr",
              "title", "contact_id", "contact_address", "is_valid_from", "total_net", "total",
              "currency_id", "kb_item_status_id"]
LEXWARE_KEYS = ["id", "version", "roles", "customer", "number", "company", "person", "name",
                "firstName", "lastName", "addresses", "billing", "shipping", "street", "zip",
                "city", "countryCode", "emailAddresses", "phoneNumbers", "archived",
                "voucherNumber", "voucherType", "voucherStatus", "voucherDate", "createdDate",
                "updatedDate", "contactId", "contactName", "totalAmount", "currency",
                "address", "totalPrice", "totalNetAmount", "totalGrossAmount",
                "relatedVouchers", "files", "documentFileId", "content", "last"]


def shaped(keys: list[str]) -> st.SearchStrategy[Any]:
    """Dicts over the real keys with arbitrary JSON values, nested one level too."""
    inner = st.dictionaries(st.sampled_from(keys), json_values, max_size=8)
    return st.one_of(
        json_values,
        st.dictionaries(st.sampled_from(keys), st.one_of(json_values, inner,
                                                         st.lists(inner, max_size=3)),
                        max_size=14),
    )


# Envelope readers may also report the error a server sent inside a 200 answer, or refuse a
# document that is not a PDF: those are declared errors too.
ENVELOPE_ERRORS = (UnexpectedResponse, RequestRejected, NotFound, DocumentRefused)
ENVELOPES = {"sevdesk.objects", "sevdesk.pdf"}

NORMALISERS: list[tuple[str, Callable[[Any], object], list[str]]] = [
    ("sevdesk.contact", lambda o: sevdesk.normalise_contact(o, [o], [o]), SEVDESK_KEYS),
    ("sevdesk.order", sevdesk.normalise_order, SEVDESK_KEYS),
    ("sevdesk.delivery_note", lambda o: sevdesk.normalise_delivery_note(o, "1"), SEVDESK_KEYS),
    ("sevdesk.origin", sevdesk.origin_of, SEVDESK_KEYS),
    ("sevdesk.objects", sevdesk.objects_of, SEVDESK_KEYS),
    ("sevdesk.pdf", sevdesk.pdf_from_answer, SEVDESK_KEYS),
    ("bexio.contact", bexio.normalise_contact, BEXIO_KEYS),
    ("bexio.order", bexio.normalise_order, BEXIO_KEYS),
    ("lexware.contact", lexware.normalise_contact, LEXWARE_KEYS),
    ("lexware.customer", lexware.is_customer, LEXWARE_KEYS),
    ("lexware.voucher", lexware.normalise_voucher, LEXWARE_KEYS),
    ("lexware.order", lexware.normalise_order, LEXWARE_KEYS),
    ("lexware.delivery_note", lambda o: lexware.normalise_delivery_note(o, "1"), LEXWARE_KEYS),
    ("lexware.page", lexware.page_of, LEXWARE_KEYS),
    ("lexware.related", lambda o: lexware.related_ids(o, "deliverynote"), LEXWARE_KEYS),
]


def _check(name: str, normalise: Callable[[Any], object], obj: Any) -> None:
    declared = ENVELOPE_ERRORS if name in ENVELOPES else (UnexpectedResponse,)
    try:
        normalise(obj)
    except declared as err:
        assert str(err), "the declared error must carry a message"


def _make_test(examples: int):
    @pytest.mark.parametrize(("name", "normalise", "keys"), NORMALISERS,
                             ids=[n for n, _, _ in NORMALISERS])
    def run(name: str, normalise: Callable[[Any], object], keys: list[str]) -> None:
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(shaped(keys))
        def prop(obj: Any) -> None:
            _check(name, normalise, obj)

        prop()

    return run


test_normalisers_accept_only_declared_errors = _make_test(DEFAULT_EXAMPLES)
test_normalisers_fuzz_dedicated = pytest.mark.fuzz(_make_test(FUZZ_EXAMPLES))
