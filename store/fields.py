"""Custom field definitions: stored in `custom_fields`, one column each in `customers`.

Owns loading the full catalogue (standard + custom) and adding a custom field. Field IDs of custom fields are
upper-case letters, digits and underscores, and may not shadow a standard, read-only or internal column.
"""

from __future__ import annotations

from core.catalogue import CUSTOM_ID_RE, CUSTOM_TYPES, Catalogue, Field, FieldType
from core.errors import InvalidValue
from core.i18n import _
from core.names import check_name
from core.users import User
from store.schema import INTERNAL_COLUMNS
from store.sql import Connection, Database, quote_ident


def load_catalogue(con: Connection) -> Catalogue:
    rows = con.execute(
        "SELECT id, label, label_fr, type, enum_values, required FROM custom_fields ORDER BY position"
    ).fetchall()
    custom = tuple(
        Field(
            id=fid,
            label=label,
            label_fr=label_fr,
            type=FieldType(ftype),
            values=tuple(values or ()),
            required=bool(required),
            can_blank=not required,
            default=False if FieldType(ftype) is FieldType.BOOL else None,
            custom=True,
        )
        for fid, label, label_fr, ftype, values, required in rows
    )
    return Catalogue.standard().with_custom(custom)


def catalogue(store: Database) -> Catalogue:
    with store.read() as con:
        return load_catalogue(con)


def add_field(
    store: Database,
    field_id: str,
    ftype: str,
    *,
    values: tuple[str, ...] = (),
    required: bool = False,
    label: str | None = None,
    label_fr: str | None = None,
    by: User | None = None,
) -> Field:
    """Define a custom field. Raises InvalidValue with the fix for a bad ID, type or value list; PermissionDenied
    when `by` (the acting user) is not an administrator."""
    if by is not None:
        by.require_admin(_("add custom fields"))
    fid = field_id.strip()
    if not CUSTOM_ID_RE.match(fid):
        raise InvalidValue(
            _("'{field}' cannot be a field ID").format(field=field_id),
            _("Use upper-case letters, digits and underscores, starting with a letter (for example REGION_CODE)"),
        )
    try:
        kind = FieldType(ftype.strip().lower())
    except ValueError:
        kind = None
    if kind not in CUSTOM_TYPES:
        names = ", ".join(t.value for t in CUSTOM_TYPES)
        raise InvalidValue(
            _("'{type}' is not a field type").format(type=ftype), _("Choose one of: {names}").format(names=names)
        )
    label = check_name(label, _("A field label")) if label is not None else None
    label_fr = check_name(label_fr, _("A field label")) if label_fr is not None else None
    clean_values = tuple(check_name(v, _("A list value")) for v in values if v.strip())
    if kind is FieldType.ENUM and not clean_values:
        raise InvalidValue(
            _("The list field {field} needs its values").format(field=fid), _("Give them with --values A,B,C")
        )
    if kind is not FieldType.ENUM and clean_values:
        raise InvalidValue(_("--values only applies to fields of type enum"), _("Remove --values or use --type enum"))
    if len({v.casefold() for v in clean_values}) != len(clean_values):
        raise InvalidValue(_("The values of {field} repeat themselves").format(field=fid), _("List each value once"))
    with store.write() as con:
        cat = load_catalogue(con)
        if fid in cat or fid in INTERNAL_COLUMNS:
            raise InvalidValue(_("A field named {field} already exists").format(field=fid), _("Choose another ID"))
        shadowed = cat.lookup(fid)
        if shadowed is not None:
            raise InvalidValue(
                _("The ID {field} would be read as the field {other} ({label}) in import files").format(
                    field=fid, other=shadowed.id, label=shadowed.shown_label
                ),
                _("Choose another ID"),
            )
        english = (label or fid.replace("_", " ").capitalize()).strip()
        clash = cat.lookup(english) or cat.lookup(label_fr or english)
        if clash is not None:
            raise InvalidValue(
                _("The label '{label}' would be confused with the field {other} in import files").format(
                    label=english, other=clash.id
                ),
                _("Choose another label with --label"),
            )
        position = con.execute("SELECT coalesce(max(position), 0) + 1 FROM custom_fields").fetchone()
        con.execute(
            "INSERT INTO custom_fields VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                fid,
                english,
                (label_fr or english).strip(),
                kind.value,
                list(clean_values) or None,
                required,
                position[0] if position else 1,
            ],
        )
        default = " DEFAULT FALSE" if kind is FieldType.BOOL else ""
        new_field = Field(fid, english, (label_fr or english).strip(), kind, values=clean_values, custom=True)
        column = quote_ident(fid, cat.with_custom((*cat.custom, new_field)))
        con.execute(f"ALTER TABLE customers ADD COLUMN {column} {kind.sql_type}{default}")
        if kind is FieldType.BOOL:
            con.execute(f"UPDATE customers SET {column} = FALSE WHERE {column} IS NULL")
    return new_field
