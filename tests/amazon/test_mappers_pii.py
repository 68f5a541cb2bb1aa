"""split_pii: the buyer's personal data leaves the stored payload and can be put back."""

from __future__ import annotations

import copy
from typing import Any

from sellersync.amazon.mappers.pii import merge_pii, redact, split_pii


def v0_raw() -> dict[str, Any]:
    return {
        "order": {
            "AmazonOrderId": "302-0000002-0000002",
            "OrderTotal": {"CurrencyCode": "EUR", "Amount": "75.96"},
            "ShippingAddress": {
                "Name": "Sophie Müller",
                "AddressLine1": "12 Hauptstraße",
                "City": "Berlin",
                "PostalCode": "10115",
                "CountryCode": "DE",
                "Phone": "+49 30 1234567",
            },
            "BuyerInfo": {
                "BuyerEmail": "xyz@marketplace.amazon.de",
                "BuyerName": "Lukas Müller",
                "BuyerTaxInfo": {
                    "CompanyLegalName": "Müller GmbH",
                    "TaxClassifications": [{"Name": "VATNumber", "Value": "DE1"}],
                },
            },
        },
        "items": [
            {
                "OrderItemId": "1",
                "BuyerInfo": {"GiftWrapLevel": "Classic", "GiftMessageText": "Happy birthday!"},
            }
        ],
    }


def test_v0_payload_loses_names_lines_phone_email_and_tax_info_but_keeps_the_rest() -> None:
    # given
    raw = v0_raw()

    # when
    cleaned, pii = split_pii(raw)

    # then
    assert cleaned == {
        "order": {
            "AmazonOrderId": "302-0000002-0000002",
            "OrderTotal": {"CurrencyCode": "EUR", "Amount": "75.96"},
            "ShippingAddress": {"City": "Berlin", "PostalCode": "10115", "CountryCode": "DE"},
            "BuyerInfo": {},
        },
        "items": [{"OrderItemId": "1", "BuyerInfo": {"GiftWrapLevel": "Classic"}}],
    }
    assert pii == {
        "/order/ShippingAddress/Name": "Sophie Müller",
        "/order/ShippingAddress/AddressLine1": "12 Hauptstraße",
        "/order/ShippingAddress/Phone": "+49 30 1234567",
        "/order/BuyerInfo/BuyerEmail": "xyz@marketplace.amazon.de",
        "/order/BuyerInfo/BuyerName": "Lukas Müller",
        "/order/BuyerInfo/BuyerTaxInfo": {
            "CompanyLegalName": "Müller GmbH",
            "TaxClassifications": [{"Name": "VATNumber", "Value": "DE1"}],
        },
        "/items/0/BuyerInfo/GiftMessageText": "Happy birthday!",
    }


def test_2026_payload_loses_buyer_recipient_and_tax_registration_pii() -> None:
    # given
    raw = {
        "orderId": "113-1",
        "buyer": {
            "buyerName": "Alex Smith",
            "buyerEmail": "a@marketplace.amazon.com",
            "buyerCompanyName": "Smith LLC",
        },
        "recipient": {
            "deliveryAddress": {
                "name": "Alex Smith",
                "addressLine1": "1 Main St",
                "city": "Seattle",
                "phone": "+1 5",
            },
            "deliveryPreference": {"addressInstruction": "Back door"},
        },
        "tax": {"taxRegistrations": [{"taxRegistrationNumber": "US1"}]},
        "orderItems": [
            {"orderItemId": "1", "fulfillment": {"packing": {"giftOption": {"giftMessage": "Hi"}}}}
        ],
    }

    # when
    cleaned, pii = split_pii(raw)

    # then
    assert cleaned == {
        "orderId": "113-1",
        "buyer": {},
        "recipient": {"deliveryAddress": {"city": "Seattle"}},
        "tax": {},
        "orderItems": [{"orderItemId": "1", "fulfillment": {"packing": {"giftOption": {}}}}],
    }
    assert sorted(pii) == [
        "/buyer/buyerCompanyName",
        "/buyer/buyerEmail",
        "/buyer/buyerName",
        "/orderItems/0/fulfillment/packing/giftOption/giftMessage",
        "/recipient/deliveryAddress/addressLine1",
        "/recipient/deliveryAddress/name",
        "/recipient/deliveryAddress/phone",
        "/recipient/deliveryPreference",
        "/tax/taxRegistrations",
    ]


def test_split_leaves_the_input_untouched_and_merge_restores_it() -> None:
    # given
    raw = v0_raw()
    original = copy.deepcopy(raw)

    # when
    cleaned, pii = split_pii(raw)

    # then
    assert raw == original
    assert merge_pii(cleaned, pii) == original


def test_payload_without_pii_comes_back_whole_with_nothing_removed() -> None:
    # given
    raw = {"AmazonOrderId": "1", "ShippingAddress": {"City": "Seattle", "a/b": [1, 2]}}

    # when
    cleaned, pii = split_pii(raw)

    # then
    assert cleaned == raw
    assert pii == {}


def test_changing_the_split_parts_leaves_the_input_untouched() -> None:
    # given
    raw = v0_raw()
    original = copy.deepcopy(raw)
    cleaned, pii = split_pii(raw)

    # when
    cleaned["order"]["ShippingAddress"]["City"] = "Hamburg"
    cleaned["items"].append({"OrderItemId": "2"})
    pii["/order/BuyerInfo/BuyerTaxInfo"]["TaxClassifications"][0]["Value"] = "DE2"

    # then
    assert raw == original


def test_a_pii_key_inside_a_list_of_lists_is_found_and_keys_are_escaped_in_pointers() -> None:
    # given
    raw = {"a/b": [[{"Phone": "+1 5", "x~y": 1}]], "n": 1.5, "flag": True, "none": None}

    # when
    cleaned, pii = split_pii(raw)

    # then
    assert cleaned == {"a/b": [[{"x~y": 1}]], "n": 1.5, "flag": True, "none": None}
    assert pii == {"/a~1b/0/0/Phone": "+1 5"}


def test_redact_blanks_the_buyers_values_and_any_email_in_an_error() -> None:
    # given an error quoting the buyer's name, street, phone and an e-mail address, with the order's payload
    error = (
        "302-0000002-0000002: cannot store 'Sophie Müller' at '12 Hauptstraße' (Berlin 10115), "
        "phone +49 30 1234567, contact someone.else@example.org"
    )

    # when
    text = redact(error, v0_raw())

    # then
    assert text == (
        "302-0000002-0000002: cannot store '[buyer data]' at '[buyer data]' (Berlin 10115), "
        "phone [buyer data], contact [buyer data]"
    )
    assert redact("no buyer here: 75.96 EUR") == "no buyer here: 75.96 EUR"
