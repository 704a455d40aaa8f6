"""The built-in mappings (core.builtin_mappings, core.builtin_mapping_data) on small look-alike files written here:
each one feeds NAME and PRINTAS and leaves the products' own record IDs out, detection names the right product (and
none for a plain list), the suggestions for unknown columns are those a person would agree with, and an import with
the mapping lands each column in its field. Quick: they always run, with or without ../shared/realworld/."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from core.builtin_mappings import BUILTIN_MAPPINGS, builtin, detect, known_fields
from core.catalogue import Catalogue, Field, FieldType
from core.mapping import header_key, resolve_mapping
from core.suggest import suggestions

# Headers taken from the products' real exports (a few columns each, in their order), with made-up rows.
ZOHO = [
    ["Created Time", "Display Name", "Company Name", "Salutation", "First Name", "Last Name", "Phone", "Currency Code",
     "Website", "Status", "Credit Limit", "Customer Sub Type", "Billing Address", "Billing City", "Billing Code",
     "Payment Terms", "Payment Terms Label", "EmailID", "MobilePhone", "Customer ID", "Customer Name",
     "Customer Address ID"],
    ["2021-01-28 05:14:15", "Acme", "Acme Holdings", "Ms.", "Ana", "Lopez", "555-0101", "usd", "acme.test", "Active",
     "1500.000", "business", "1 Main St", "Springfield", "02138", "30", "Net 30", "ana@acme.test", "",
     "2520018000000073005", "Acme", "2520018000000073005"],
    ["2021-01-28 05:21:04", "Globex", "", "", "", "", "", "EUR", "", "Inactive", "0.000", "individual", "", "", "",
     "0", "Due on Receipt", "bob@globex.test", "+33 6 12", "2520018000000073022", "Globex", "2520018000000073022"],
]  # fmt: skip
INVOICE_NINJA = [
    ["Invoice Ninja v4.5.17 - December 19, 2020 11:28 pm", "", "", "", "", "", "", "", "", ""],
    ["", "", "", "", "", "", "", "", "", ""],
    ["CLIENTS", "", "", "", "", "", "", "", "", ""],
    ["Name", "Balance", "Billing Street", "Billing Postal Code", "VAT Number", "Phone", "Currency", "First Name",
     "Email", "Phone"],
    ["Ludwig Krajcik", "$-142.85", "371 O'Connell Summit", "05144", "FR123", "555-0100", "USD", "Terrill",
     "brook@example.org", "1-537-759-0369"],
    ["Bradly Jaskolski", "$310.81", "21854 Prosacco Isle", "", "", "", "", "Pink", "gh@example.org", ""],
]  # fmt: skip
GOOGLE = [
    ["Name", "Given Name", "Additional Name", "Family Name", "Name Prefix", "Notes", "E-mail 1 - Type",
     "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value", "Organization 1 - Name", "Website 1 - Value"],
    ["Dr Ana M Lopez", "Ana", "M", "Lopez", "Dr", "met at the fair", "* Home", "ana@home.test", "Mobile", "555-1",
     "Acme", "ana.test"],
    ["Cy", "Cy", "", "", "", "", "", "cy@home.test", "", "", "", ""],
]  # fmt: skip
SALESFORCE = [
    ["ID", "ISDELETED", "NAME", "TYPE", "PARENTID", "BILLINGSTREET", "BILLINGPOSTALCODE", "BILLINGCOUNTRY",
     "SHIPPINGSTREET", "PHONE", "ANNUALREVENUE", "OWNERID"],
    ["001x0000002xLCVAA2", "false", "Gravity Investments", "Customer", "001x0000002xLCWAA2", "150 Palmer Drive",
     "08035", "US", "1 Dock Rd", "(415) 901-7000", "6.0E7", "005x0000000fNSiAAM"],
]  # fmt: skip
ODOO = [
    ["id", "name", "is_company", "parent_id/id", "email", "vat"],
    ["__export__.res_partner_7", "Deco Addict", "True", "base.main_partner", "deco@example.com", "BE0477472701"],
]
THUNDERBIRD = [
    ["First Name", "Last Name", "Display Name", "Primary Email", "Work Phone", "Home Address", "Work Address",
     "Work ZipCode", "Organization", "Notes", ""],
    ["Ana", "Lopez", "Ana L.", "ana@example.test", "555-2", "9 Home Rd", "1 Work Way", "33-333", "Acme", "", ""],
]  # fmt: skip


def _export(cli: Callable[..., object]) -> dict[str, dict[str, str]]:
    out = cli("export", "--format", "import-csv").out  # type: ignore[attr-defined]
    return {r["CUSTOMERID"]: r for r in csv.DictReader(io.StringIO(out))}


def _demo_like() -> Catalogue:
    """The standard fields with the demo's required SEGMENT (an enum): "Street" must not be taken for it."""
    segment = Field("SEGMENT", "Segment", "Segment", FieldType.ENUM, values=("SMB", "Enterprise"), required=True,
                    custom=True)  # fmt: skip
    return Catalogue.standard().with_custom((segment,))


# --- the mappings themselves ---------------------------------------------------------------------------------


def test_every_mapping_feeds_name_and_printas_and_names_real_fields() -> None:
    catalogue = Catalogue.standard()
    names = [m.name for m in BUILTIN_MAPPINGS]
    assert len(set(names)) == len(names) == 10
    for mapping in BUILTIN_MAPPINGS:
        assert mapping.others_ignored and mapping.product, mapping.name
        columns, joins = resolve_mapping(mapping, catalogue)  # raises on a field that does not exist
        fed = {f for fields in columns.values() for f in fields} | set(joins)
        assert {"NAME", "PRINTAS"} <= fed, mapping.name
        assert "CUSTOMERID" not in fed and "PARENTID" not in fed, mapping.name  # product IDs are not ours
        # Two headers of one mapping feeding one field are alternatives (a file has one of them): never both the
        # column of a join and a column of its own.
        for field, keys in joins.items():
            assert not any(field in columns.get(k, ()) for k, _ in keys), (mapping.name, field)
        assert builtin(mapping.name.upper()) is mapping  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "product_ids"),
    [("salesforce", ["ID", "PARENTID", "MASTERRECORDID", "OWNERID"]), ("odoo", ["id", "parent_id/id"]),
     ("zoho-books", ["Customer ID", "Customer Address ID"]), ("erpnext", ["ID"])],
)  # fmt: skip
def test_product_record_ids_are_left_out_explicitly(name: str, product_ids: list[str]) -> None:
    mapping = builtin(name)
    assert mapping is not None
    for header in product_ids:
        assert mapping.fields_of(header) == (), (name, header)


def test_invoice_ninja_second_phone_and_balances() -> None:
    mapping = builtin("invoice-ninja")
    assert mapping is not None
    # The contact's phone (the second "Phone", which the exports fill) is the Phone; the client's the Secondary.
    assert mapping.fields_of("Phone") == ("PHONE2",) and mapping.fields_of("Phone", 2) == ("PHONE1",)
    assert mapping.fields_of("Balance") == () and mapping.fields_of("Paid to Date") == ()  # "$-142.85": not limits


# --- detection -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [(ZOHO, "zoho-books"), (INVOICE_NINJA[3:], "invoice-ninja"), (GOOGLE, "google-contacts"),
     (SALESFORCE, "salesforce"), (ODOO, "odoo"), (THUNDERBIRD, "thunderbird")],
)  # fmt: skip
def test_detect_names_the_product(rows: list[list[str]], expected: str) -> None:
    found = detect(tuple(rows[0]))
    assert found is not None and found.name == expected
    # Case and punctuation do not matter, as for field labels.
    found = detect(tuple(h.upper().replace(" ", "_") for h in rows[0]))
    assert found is not None and found.name == expected


@pytest.mark.parametrize(
    "header",
    [("first", "last", "address", "city", "zip"), ("a", "b", "c"), ("Company", "Email", "Phone", "Website"),
     ("CUSTOMERID", "NAME", "PRINTAS", "Website"), ("Name", "Email"), ("key", "val"), ()],
)  # fmt: skip
def test_detect_names_no_product_for_a_plain_list(header: tuple[str, ...]) -> None:
    # Common words ("Company", "Email", "Website") fit several products: they alone name none.
    assert detect(header) is None


# --- suggestions for unknown columns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first"),
    [("E-mail Address", "EMAIL1"), ("Company", "NAME"), ("Zip", "ZIP"), ("Postal Code", "ZIP"), ("Website", "URL1"),
     ("Street", "ADDRESS1"), ("EmailID", "EMAIL1"), ("Billing Postal Code", "ZIP"), ("Mobile No", "CELLPHONE"),
     ("VAT Number", "TAXID"), ("Organization", "NAME"), ("E-mail 1 - Value", "EMAIL1"), ("Primary Email", "EMAIL1")],
)  # fmt: skip
def test_suggestions_a_person_would_agree_with(header: str, first: str) -> None:
    found = suggestions(header, _demo_like())
    assert found and found[0] == first, found
    assert "MEGAENTITYID" not in found and "SEGMENT" not in found


def test_website_is_never_the_entity_nor_street_the_segment() -> None:
    catalogue = _demo_like()
    for header in ("Website", "Web Page", "WEBSITE", "Website 1 - Value", "Street", "Billing Street", "street"):
        assert not {"MEGAENTITYID", "SEGMENT"} & set(suggestions(header, catalogue)), header
    assert known_fields("Phone#2") == ("PHONE1",) and known_fields("Customer ID") == ()


# --- importing with a built-in mapping -------------------------------------------------------------------------


def test_zoho_look_alike_imports_field_by_field_then_nothing_twice(cli, write_csv: Callable[..., Path]) -> None:
    cli("init")
    path = write_csv(ZOHO)
    args = ("import", str(path), "--mapping", "zoho-books", "--generate-ids", "--match", "EMAIL1", "--json")
    summary = cli(*args).json
    assert summary["mapping"] == "zoho-books" and summary["failed"] == 0 and summary["created"] == 2
    assert summary["generated"] == [{"row": 2, "id": "C0000001"}, {"row": 3, "id": "C0000002"}]
    stored = _export(cli)
    ana, bob = stored["C0000001"], stored["C0000002"]
    # Customer Name is NAME, Display Name PRINTAS; Zoho's own IDs (2520018...) are not customer IDs.
    assert (ana["NAME"], ana["PRINTAS"], ana["COMPANYNAME"]) == ("Acme", "Acme", "Acme Holdings")
    assert (ana["PREFIX"], ana["FIRSTNAME"], ana["LASTNAME"]) == ("Ms.", "Ana", "Lopez")
    assert (ana["EMAIL1"], ana["PHONE1"], ana["URL1"]) == ("ana@acme.test", "555-0101", "acme.test")
    assert (ana["CURRENCY"], ana["CREDITLIMIT"], ana["TERMNAME"]) == ("USD", "1500.00", "Net 30")  # 1500.000: exact
    assert (ana["ADDRESS1"], ana["CITY"], ana["ZIP"], ana["CUSTTYPE"]) == ("1 Main St", "Springfield", "02138",
                                                                          "business")  # fmt: skip
    assert (ana["STATUS"], bob["STATUS"], bob["CELLPHONE"]) == ("active", "inactive", "+33 6 12")
    assert "2520018000000073005" not in {v for r in stored.values() for v in r.values()}
    again = cli(*args).json
    assert again["created"] == 0 and again["unchanged"] == 2 and len(again["matched"]) == 2


def test_invoice_ninja_look_alike_title_rows_and_second_phone(cli, write_csv: Callable[..., Path]) -> None:
    cli("init")
    path = write_csv(INVOICE_NINJA)
    args = ("import", str(path), "--mapping", "invoice-ninja", "--generate-ids", "--match", "EMAIL1", "--json")
    summary = cli(*args).json
    assert summary["created"] == 2 and summary["failed"] == 0
    assert "row 4" in summary["warnings"][0]["message"]  # the header found under the three title rows
    assert summary["generated"] == [{"row": 5, "id": "C0000001"}, {"row": 6, "id": "C0000002"}]
    first = _export(cli)["C0000001"]
    assert (first["NAME"], first["PRINTAS"], first["FIRSTNAME"]) == ("Ludwig Krajcik", "Ludwig Krajcik", "Terrill")
    assert (first["PHONE1"], first["PHONE2"]) == ("1-537-759-0369", "555-0100")  # the contact's, then the client's
    assert (first["ADDRESS1"], first["ZIP"], first["TAXID"]) == ("371 O'Connell Summit", "05144", "FR123")
    assert first["CREDITLIMIT"] == ""  # the balance is not a credit limit
    assert cli(*args).json["created"] == 0


def test_google_look_alike_joins_the_names(cli, write_csv: Callable[..., Path]) -> None:
    cli("init")
    args = ("import", str(write_csv(GOOGLE)), "--mapping", "google-contacts", "--generate-ids", "--match", "EMAIL1")
    summary = cli(*args, "--json").json
    assert summary["created"] == 2 and summary["failed"] == 0
    stored = _export(cli)
    ana, cy = stored["C0000001"], stored["C0000002"]
    assert (ana["NAME"], ana["PRINTAS"]) == ("Ana Lopez", "Dr Ana M Lopez")
    assert (ana["FIRSTNAME"], ana["INITIAL"], ana["LASTNAME"], ana["PREFIX"]) == ("Ana", "M", "Lopez", "Dr")
    assert (ana["COMPANYNAME"], ana["PHONE1"], ana["URL1"], ana["COMMENTS"]) == ("Acme", "555-1", "ana.test",
                                                                                "met at the fair")  # fmt: skip
    assert (cy["NAME"], cy["PRINTAS"], cy["LASTNAME"]) == ("Cy", "Cy", "")  # a blank part leaves no extra space
    assert cli(*args, "--json").json["created"] == 0


def test_salesforce_look_alike_leaves_its_ids_and_revenue_out(cli, write_csv: Callable[..., Path]) -> None:
    cli("init")
    args = ("import", str(write_csv(SALESFORCE)), "--mapping", "salesforce", "--generate-ids", "--match", "NAME")
    assert cli(*args, "--json").json["created"] == 1
    record = _export(cli)["C0000001"]
    assert (record["NAME"], record["PRINTAS"], record["CUSTTYPE"]) == ("Gravity Investments",) * 2 + ("Customer",)
    assert (record["ADDRESS1"], record["ZIP"], record["COUNTRY"]) == ("150 Palmer Drive", "08035", "US")
    assert record["PARENTID"] == "" and record["CREDITLIMIT"] == ""  # PARENTID is Salesforce's 001x..., not ours


def test_without_the_mapping_the_message_names_the_product(cli, write_csv: Callable[..., Path]) -> None:
    cli("init")
    result = cli("import", str(write_csv(INVOICE_NINJA)), "--generate-ids")
    assert result.code == 1 and "--mapping invoice-ninja" in result.err
    result = cli("import", str(write_csv(THUNDERBIRD)), "--generate-ids")
    assert result.code == 1 and "Thunderbird" in result.err and "--mapping thunderbird" in result.err
    assert _export(cli) == {}


def test_options_change_a_builtin_mapping(cli, write_csv: Callable[..., Path]) -> None:
    """An Outlook contact without a company: the person's names as NAME and PRINTAS, with --join over the mapping."""
    cli("init")
    rows = [["First Name", "Last Name", "Company", "E-mail Address"], ["Ana", "Lopez", "", "ana@example.test"]]
    path = write_csv(rows)
    plain = cli("import", str(path), "--mapping", "outlook", "--generate-ids", "--json").json
    assert plain["failed"] == 1 and {e["column"] for e in plain["errors"]} == {"NAME", "PRINTAS"}
    summary = cli("import", str(path), "--mapping", "outlook", "--generate-ids", "--json",
                  "--map", "Company=COMPANYNAME", "--join", "NAME=First Name+Last Name",
                  "--join", "PRINTAS=First Name+Last Name").json  # fmt: skip
    assert summary["created"] == 1 and summary["mapping"] == "outlook+options"
    record = _export(cli)["C0000001"]
    assert (record["NAME"], record["PRINTAS"], record["EMAIL1"]) == ("Ana Lopez", "Ana Lopez", "ana@example.test")


def test_header_keys_of_the_mappings_are_unique_per_mapping() -> None:
    # Two entries of one mapping folding to the same key would make one of them dead.
    for mapping in BUILTIN_MAPPINGS:
        keys = [header_key(h) for h, _ in mapping.columns]
        assert len(keys) == len(set(keys)), (mapping.name, sorted(k for k in keys if keys.count(k) > 1))
