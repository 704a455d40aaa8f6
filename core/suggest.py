"""What a column of another product's file probably is: the suggestions of the unknown-columns message and of the
interface's mapping step, and the message itself.

A suggestion a person would agree with comes first from what the built-in mappings know of real exports
("E-mail Address" is Outlook's e-mail), then from common words ("Zip", "Postal Code", "Website", "Company"), and only
then from spelling (a typo of a label), with a high bar: "Website" is not "Entity" and "Street" is not "Segment".
Pure.
"""

from __future__ import annotations

from core.catalogue import Catalogue, normalise_name
from core.errors import FileRejected
from core.i18n import _, group_digits, ngettext
from core.mapping import ColumnMapping
from core.table import RawTable, short

# Common words of other products' headers (normalised as headers are) -> the field they mean. A header that is one
# of them, or ends with one ("Billing Postal Code", "E-mail 1 - Value" holds "email"), suggests that field.
SYNONYMS: dict[str, str] = {
    "company": "NAME", "organization": "NAME", "organisation": "NAME", "accountname": "NAME",
    "customername": "NAME", "clientname": "NAME", "displayname": "PRINTAS", "name": "NAME",
    "email": "EMAIL1", "emailaddress": "EMAIL1", "mail": "EMAIL1", "emailid": "EMAIL1", "primaryemail": "EMAIL1",
    "secondaryemail": "EMAIL2", "email2": "EMAIL2", "email2address": "EMAIL2",
    "zip": "ZIP", "zipcode": "ZIP", "postalcode": "ZIP", "postcode": "ZIP", "plz": "ZIP", "codepostal": "ZIP",
    "website": "URL1", "web": "URL1", "webpage": "URL1", "homepage": "URL1", "site": "URL1", "url": "URL1",
    "phone": "PHONE1", "phonenumber": "PHONE1", "telephone": "PHONE1", "tel": "PHONE1", "workphone": "PHONE1",
    "businessphone": "PHONE1", "mobile": "CELLPHONE", "mobilephone": "CELLPHONE", "mobileno": "CELLPHONE",
    "mobilenumber": "CELLPHONE", "cell": "CELLPHONE", "cellphone": "CELLPHONE", "fax": "FAX", "faxnumber": "FAX",
    "street": "ADDRESS1", "streetaddress": "ADDRESS1", "address": "ADDRESS1", "address1": "ADDRESS1",
    "addressline1": "ADDRESS1", "street2": "ADDRESS2", "address2": "ADDRESS2", "addressline2": "ADDRESS2",
    "aptsuite": "ADDRESS2", "city": "CITY", "town": "CITY", "state": "STATE", "province": "STATE",
    "region": "STATE", "provincestate": "STATE", "stateprovince": "STATE", "country": "COUNTRY",
    "countrycode": "COUNTRY", "firstname": "FIRSTNAME", "givenname": "FIRSTNAME", "lastname": "LASTNAME",
    "familyname": "LASTNAME", "surname": "LASTNAME", "middlename": "INITIAL", "additionalname": "INITIAL",
    "salutation": "PREFIX", "nameprefix": "PREFIX", "vat": "TAXID", "vatnumber": "TAXID", "vatid": "TAXID",
    "taxnumber": "TAXID", "taxid": "TAXID", "notes": "COMMENTS", "note": "COMMENTS", "description": "COMMENTS",
    "remarks": "COMMENTS", "accountnumber": "ACCOUNTNO", "accountno": "ACCOUNTNO", "paymentterms": "TERMNAME",
    "terms": "TERMNAME", "currencycode": "CURRENCY", "creditlimit": "CREDITLIMIT", "customertype": "CUSTTYPE",
}  # fmt: skip
# Headers that end with a common word but mean something else ("Account Name" is a name, "Company ID" is not).
_NOT_BY_ENDING = ("id", "type", "label", "yomi", "time", "date")


def suggestions(header: str, catalogue: Catalogue, taken: set[str] = frozenset(), n: int = 2) -> list[str]:  # type: ignore[assignment]
    """Up to `n` field IDs the column `header` probably means, best first, leaving out fields already `taken`."""
    from core.builtin_mappings import known_fields, known_left_out

    key = normalise_name(header)
    out: list[str] = []
    if known_left_out(header):
        return out  # "E-mail 1 - Type", "Balance": what the products write beside their data, not data for a field

    def add(fid: str | None) -> None:
        if fid and fid in catalogue and catalogue[fid].importable and fid not in taken and fid not in out:
            out.append(fid)

    for fid in known_fields(header):
        add(fid)
    add(SYNONYMS.get(key))
    if out or key.endswith(_NOT_BY_ENDING):
        return out[:n]  # known by name; or "Phone 1 - Type", "Company ID": about a field, not the field
    if "email" in key or key.endswith("mail"):  # "E-mail 3 Address" is an e-mail, whatever it ends with
        add("EMAIL1")
        add("EMAIL2")
    elif key:
        for word in sorted(SYNONYMS, key=len, reverse=True):  # the longest ending: "postalcode" before "code"
            if len(word) >= 4 and (key.endswith(word) or key.startswith(word)):
                add(SYNONYMS[word])
                break
    if len(out) < n and key:
        for field in catalogue.closest(header, n=4, cutoff=0.75, loose=False):
            add(field.id)
    return out[:n]


def unknown_columns_rejection(
    table: RawTable, unknown: list[tuple[int, str]], catalogue: Catalogue, taken: set[str]
) -> FileRejected:
    """The rejection of a file with columns that name no field: every one of them on its own line with what it
    probably is, the product the file looks like, and how to map or leave columns out."""
    from core.builtin_mappings import detect
    from core.headers import SHOWN_UNKNOWN, column_letter

    lines = []
    for index, name in unknown[:SHOWN_UNKNOWN]:
        if not name:
            lines.append("  " + _("column {letter} (no name in the header row)").format(letter=column_letter(index)))
            continue
        hint = [
            _("{id} ({label})").format(id=fid, label=catalogue[fid].shown_label)
            for fid in suggestions(name, catalogue, taken)
        ]
        if not hint:
            lines.append(f"  '{short(name, 60)}'")
        elif len(hint) == 1:
            lines.append("  " + _("'{name}': {field}?").format(name=short(name, 60), field=hint[0]))
        else:
            lines.append(
                "  " + _("'{name}': {field} or {other}?").format(name=short(name, 60), field=hint[0], other=hint[1])
            )
    if len(unknown) > SHOWN_UNKNOWN:
        more = len(unknown) - SHOWN_UNKNOWN
        lines.append(
            "  " + ngettext("... and {count} more", "... and {count} more", more).format(count=group_digits(more))
        )
    count = len(unknown)
    head = ngettext(
        "{count} column of the file names no field:", "{count} columns of the file name no field:", count
    ).format(count=group_digits(count))
    product = detect(table.header)
    if product is None:
        fix = _(
            'Map a column with --map "HEADER=FIELD" (or "HEADER=-" to leave it out), leave them all out with '
            "--ignore-unknown, or import the file from the interface (i in the customer list), which asks for each "
            "column"
        )
    else:
        fix = _(
            "The file looks like it comes from {product}: {command}.\n"
            'Or: map a column with --map "HEADER=FIELD" (or "HEADER=-" to leave it out), leave them all out with '
            "--ignore-unknown, or import the file from the interface (i in the customer list), which asks for each "
            "column"
        ).format(product=product.product, command=_whole_command(product))
    return UnknownColumns(head + "\n" + "\n".join(lines), fix, product=product.name if product is not None else None)


def _whole_command(mapping: ColumnMapping) -> str:
    """The options that import a product's file in one go: its mapping, numbers for new customers (the products'
    own IDs are not customer IDs), and a field to find them again by when the file is imported again."""
    fed = {f for _, fields in mapping.columns for f in fields} | {f for f, _ in mapping.joins}
    key = next((f for f in ("EMAIL1", "TAXID", "ACCOUNTNO", "NAME") if f in fed), None)
    options = f"--mapping {mapping.name}"
    if "CUSTOMERID" not in fed:
        options += " --generate-ids" + (f" --match {key}" if key else "")
    words = _("import it with {options}").format(options=options)
    if "CUSTOMERID" not in fed and key:
        words = _("{command} (--match finds the customers an earlier import of the file created, by {field})").format(
            command=words, field=key
        )
    return words


class UnknownColumns(FileRejected):
    """A file with columns that name no field; its sentence lists them one per line, then says what to do."""

    def __init__(self, message: str, fix: str, product: str | None = None) -> None:
        super().__init__(message, fix)
        self.product = product

    def __str__(self) -> str:
        return f"{self.message}\n{self.fix}."
