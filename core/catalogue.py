"""The field catalogue: every customer field custbook knows, standard (fields.md) and custom.

It owns field IDs, labels, types, limits and defaults, and the tolerant header comparison used to map import
columns. It never touches the store: `store/` loads the custom field definitions and builds a `Catalogue` with
`Catalogue.with_custom(...)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from core.folding import fold
from core.i18n import current_language


class FieldType(StrEnum):
    TEXT = "text"
    DECIMAL = "decimal"
    BOOL = "bool"
    DATE = "date"
    ENUM = "enum"
    EMAIL = "email"
    REF = "ref"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self]


_SQL_TYPES = {
    FieldType.TEXT: "VARCHAR",
    FieldType.DECIMAL: "DECIMAL(18,2)",
    FieldType.BOOL: "BOOLEAN",
    FieldType.DATE: "DATE",
    FieldType.ENUM: "VARCHAR",
    FieldType.EMAIL: "VARCHAR",
    FieldType.REF: "VARCHAR",
    FieldType.INTEGER: "BIGINT",
    FieldType.TIMESTAMP: "TIMESTAMP",
}

# Types a company may give its own fields (fields.md, "Custom fields").
CUSTOM_TYPES = (FieldType.TEXT, FieldType.DECIMAL, FieldType.DATE, FieldType.BOOL, FieldType.ENUM)


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    label_fr: str
    type: FieldType
    max_len: int | None = None
    required: bool = False  # needed to create a record
    can_blank: bool = True  # may be erased on an existing record
    default: str | bool | None = None  # value a new record takes when the cell is absent or blank
    values: tuple[str, ...] = ()  # enum values, in their stored spelling
    aliases: tuple[str, ...] = ()  # extra header names ("Address", "Both"...)
    importable: bool = True
    custom: bool = False
    recommended: bool = False
    min_value: int | None = None  # decimals: lower bound
    ref_to: str | None = None

    @property
    def shown_label(self) -> str:
        """The label people read, in the user's language: fields.md's French label (a custom field's own) in
        French. Files keep `label` and `id`; the importer reads every one of `names`."""
        return self.label_fr if self.label_fr and current_language() == "fr" else self.label

    @property
    def names(self) -> tuple[str, ...]:
        """Every header text that names this field."""
        return (self.id, self.label, self.label_fr, *self.aliases)


def _t(fid: str, en: str, fr: str, n: int, **kw: object) -> Field:
    return Field(fid, en, fr, FieldType.TEXT, max_len=n, **kw)  # type: ignore[arg-type]


STANDARD_FIELDS: tuple[Field, ...] = (
    _t("CUSTOMERID", "Customer ID", "Identifiant client", 20, required=True, can_blank=False),
    _t("NAME", "Customer name", "Nom de client", 100, required=True, can_blank=False),
    _t("PRINTAS", "Print as", "Imprimer en tant que", 200, required=True, can_blank=False),
    Field(
        "STATUS",
        "Status",
        "Statut",
        FieldType.ENUM,
        values=("active", "inactive"),
        default="active",
        can_blank=False,
    ),
    _t("CUSTTYPE", "Customer type", "Type de client", 40),
    Field(
        "PARENTID",
        "Parent customer ID",
        "Identifiant du client parent",
        FieldType.REF,
        max_len=20,
        ref_to="CUSTOMERID",
    ),
    _t("ACCOUNTNO", "Customer account number", "Numéro de compte client", 30, recommended=True),
    _t("TERMNAME", "Payment term", "Conditions de paiement", 40),
    Field("CREDITLIMIT", "Credit limit", "Limite de crédit", FieldType.DECIMAL, min_value=0),
    _t("CURRENCY", "Currency", "Devise", 3),
    Field(
        "PAYMETHOD",
        "Preferred payment method",
        "Mode de paiement préféré",
        FieldType.ENUM,
        values=("Printed check", "Cash", "EFT", "Credit card", "ACH"),
    ),
    Field(
        "DELIVERY_OPTIONS",
        "Delivery method",
        "Mode de livraison",
        FieldType.ENUM,
        values=("Print", "E-Mail", "Print#~#E-Mail"),
    ),
    Field("ONHOLD", "On hold", "En attente", FieldType.BOOL, default=False),
    Field("ONETIME", "One-time customer", "Client ponctuel", FieldType.BOOL, default=False),
    Field("TAXABLE", "Taxable", "Imposable", FieldType.BOOL, default=True),
    _t("TAXID", "Tax ID", "Numéro d'identification fiscale", 30),
    _t("COMMENTS", "Comments", "Commentaires", 1000),
    _t("PREFIX", "Prefix", "Civilité", 15),
    _t("FIRSTNAME", "First name", "Prénom", 40, recommended=True),
    _t("LASTNAME", "Last name", "Nom", 40, recommended=True),
    _t("INITIAL", "Middle name", "Deuxième prénom", 40),
    _t("COMPANYNAME", "Company name", "Nom de l'entreprise", 200),
    _t("PHONE1", "Phone", "Téléphone", 30, recommended=True),
    _t("PHONE2", "Secondary phone", "Téléphone secondaire", 30),
    _t("CELLPHONE", "Mobile phone", "Téléphone mobile", 30),
    _t("FAX", "Fax", "Télécopie", 30),
    Field("EMAIL1", "Email", "Adresse e-mail", FieldType.EMAIL, max_len=200),
    Field("EMAIL2", "Secondary email", "Adresse e-mail secondaire", FieldType.EMAIL, max_len=200),
    _t("URL1", "URL", "URL", 200, recommended=True),
    _t("ADDRESS1", "Address line 1", "Adresse ligne 1", 255, recommended=True, aliases=("Address", "Adresse")),
    _t("ADDRESS2", "Address line 2", "Adresse ligne 2", 255),
    _t("CITY", "City", "Ville", 80, recommended=True),
    _t("STATE", "State or territory", "État ou territoire", 40, recommended=True),
    _t("ZIP", "ZIP or postal code", "CEDEX ou code postal", 30, recommended=True),
    _t("COUNTRY", "Country", "Pays", 60, recommended=True),
)

READ_ONLY_FIELDS: tuple[Field, ...] = (
    Field("RECORDNO", "Record number", "Numéro d'enregistrement", FieldType.INTEGER, importable=False),
    Field("MEGAENTITYID", "Entity", "Entité", FieldType.TEXT, importable=False),
    Field("TOTALDUE", "Total due", "Montant dû", FieldType.DECIMAL, importable=False),
    Field("LAST_INVOICEDATE", "Last invoice date", "Date de dernière facture", FieldType.DATE, importable=False),
    Field("WHENCREATED", "Created", "Date de création", FieldType.TIMESTAMP, importable=False),
    Field("WHENMODIFIED", "Modified", "Date de modification", FieldType.TIMESTAMP, importable=False),
    Field("CREATEDBY", "Created by", "Créé par", FieldType.TEXT, importable=False),
    Field("MODIFIEDBY", "Modified by", "Modifié par", FieldType.TEXT, importable=False),
)

# The columns a list shows when no view chooses them: what fits a screen or a landscape page.
LIST_COLUMNS = ("CUSTOMERID", "NAME", "STATUS", "CITY", "COUNTRY", "EMAIL1", "PHONE1", "CREDITLIMIT", "CURRENCY")

# Word "Both" is what users type for Print#~#E-Mail (fields.md, DELIVERY_OPTIONS notes).
ENUM_SYNONYMS: dict[str, dict[str, str]] = {"DELIVERY_OPTIONS": {"both": "Print#~#E-Mail"}}

CUSTOM_ID_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,62}$")

_IGNORED = re.compile(r"[\s_.\-'\u2019\u00a0]+")


# The fields the find-as-you-type searches (the interface's quick filter), whose folded text the store keeps beside
# each customer (store.search): one list, so that what the screen searches is what the store folded.
SEARCH_FIELDS = ("CUSTOMERID", "NAME", "PRINTAS", "EMAIL1", "PHONE1", "CITY")


def normalise_name(text: str) -> str:
    """Fold a header for comparison: no case, accents (Ł, Ø, ß too: core.folding), spaces, underscores, dots,
    hyphens or apostrophes."""
    return _IGNORED.sub("", fold(text.strip())).casefold()


@dataclass(frozen=True)
class Catalogue:
    """All fields in display order: standard, custom, then read-only."""

    fields: tuple[Field, ...]
    _by_id: dict[str, Field] = field(init=False, repr=False, compare=False, hash=False)
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        by_id = {f.id: f for f in self.fields}
        by_name: dict[str, Field] = {}
        for f in self.fields:
            for name in f.names:
                by_name.setdefault(normalise_name(name), f)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_name", by_name)

    @classmethod
    def standard(cls) -> Catalogue:
        return cls(STANDARD_FIELDS + READ_ONLY_FIELDS)

    def with_custom(self, custom: tuple[Field, ...]) -> Catalogue:
        std = tuple(f for f in self.fields if not f.custom and f.importable)
        ro = tuple(f for f in self.fields if not f.importable)
        return Catalogue(std + tuple(custom) + ro)

    def __contains__(self, field_id: object) -> bool:
        return field_id in self._by_id

    def __getitem__(self, field_id: str) -> Field:
        return self._by_id[field_id]

    def get(self, field_id: str) -> Field | None:
        return self._by_id.get(field_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    @property
    def importable(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.importable)

    @property
    def custom(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.custom)

    def lookup(self, header: str) -> Field | None:
        """The field a header names (ID, English or French label, alias), tolerant of case and punctuation."""
        return self._by_name.get(normalise_name(header))

    def closest(self, header: str, n: int = 3, cutoff: float = 0.6, *, loose: bool = True) -> list[Field]:
        """Known fields whose names look most like `header`, for 'did you mean' messages; `loose` also names those
        whose names hold it or are held in it."""
        import difflib

        key = normalise_name(header)
        names = list(self._by_name)
        hits = difflib.get_close_matches(key, names, n=n * 3, cutoff=cutoff)
        if not hits and loose:
            hits = [name for name in names if key and (key in name or name in key)]
        seen: list[Field] = []
        for name in hits:
            f = self._by_name[name]
            if f not in seen:
                seen.append(f)
        return seen[:n]
