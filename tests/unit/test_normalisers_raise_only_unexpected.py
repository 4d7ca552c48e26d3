"""Normalisers raise only UnexpectedResponse, whatever JSON they are fed."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mwtui.importers.accounting import bexio, lexware, sevdesk
from mwtui.importers.accounting.errors import UnexpectedResponse

KEYS = ["id", "name", "surename", "familyname", "update", "create", "orderType", "origin",
        "contact", "category", "customerNumber", "sumNet", "sumGross", "orderDate", "street",
        "zip", "city", "country", "type", "value", "main", "objects", "content", "last",
        "nr", "name_1", "name_2", "contact_type_id", "street_name", "house_number", "address",
        "postcode", "mail", "updated_at", "is_valid_from", "total", "total_net",
        "contact_address", "kb_item_status_id", "currency_id", "country_id", "company",
        "person", "addresses", "billing", "roles", "customer", "number", "version",
        "emailAddresses", "phoneNumbers", "archived", "createdDate", "updatedDate",
        "voucherDate", "voucherNumber", "totalPrice", "relatedVouchers", "voucherType",
        "files", "documentFileId", "totalAmount", "base64Encoded", "error", "message"]
SCALARS = (st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.text(max_size=30)
           | st.sampled_from(["2026-03-29T02:30:00+01:00", "0001-01-01T00:00:00+14:00",
                              "9999-12-31T23:59:59-12:00", "2026-02-30", "1", "0", "NaN",
                              "1e999", "2026-06-15 09:41:07", "AB"])
           | st.decimals(allow_nan=True, allow_infinity=True).map(Decimal))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(KEYS), inner, max_size=8), max_leaves=30)

NORMALISERS = [
    sevdesk.normalise_contact, sevdesk.normalise_order, sevdesk.is_customer,
    sevdesk.origin_of, lambda o: sevdesk.normalise_delivery_note(o, "1"),
    bexio.normalise_contact, bexio.normalise_order, bexio.country_codes,
    lexware.normalise_contact, lexware.normalise_voucher, lexware.normalise_order,
    lexware.page_of, lambda o: lexware.normalise_delivery_note(o, "1"),
    lambda o: lexware.related_ids(o, "deliverynote"),
    lambda o: sevdesk.normalise_contact({"id": 1}, [o], [o]),
]


@pytest.mark.parametrize("normalise", NORMALISERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=JSON)
def test_only_unexpected_response(normalise, data):
    with contextlib.suppress(UnexpectedResponse):
        normalise(data)
