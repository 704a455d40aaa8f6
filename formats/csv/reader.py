"""Reading a CSV file: bytes -> `RawTable` (first stage of the import).

This module owns what makes bytes text: the encoding (BOM, UTF-8, then the legacy Western code pages) and the
rejection of bytes that do not decode, said with the spreadsheet row they are in. The text's delimiter and records
are `formats.csv.records`; files that are not text at all, and the other file-level rejections, `formats.filekinds`.
It does not interpret cells: header mapping, types and ragged rows are later stages.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from core.bulk import gc_paused
from core.errors import FileRejected, InvalidValue
from core.i18n import _
from core.table import MAX_ROWS, RawTable
from formats.csv.records import csv_records, sniff_delimiter, split_table
from formats.filekinds import describe_binary, empty_file, not_a_table

_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16 LE",
           "utf-16-be": "UTF-16 BE", "utf-32": "UTF-32", "cp1252": "Windows-1252", "iso8859-1": "ISO-8859-1",
           "iso8859-15": "ISO-8859-15", "mac-roman": "Mac Roman", "ascii": "ASCII"}  # fmt: skip
# Names people use that Python does not know.
_ALIASES = {"ansi": "cp1252", "unicode": "utf-16", "unicodetext": "utf-16", "utf16le": "utf-16-le",
            "utf16be": "utf-16-be", "macintosh": "mac-roman"}  # fmt: skip
# Text codecs that do not read files (they would "decode" anything into nonsense).
_NOT_FILE_CODECS = {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "charmap"}
# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))  # fmt: skip
_HIGH = re.compile(rb"[\x80-\xff]")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ODD_INSIDE_WORDS = frozenset("ƒ†‡‰ˆ˜•")  # never next to a letter in real text; common code page misreadings


def read_csv(data: bytes, *, name: str, encoding: str = "auto", max_rows: int = MAX_ROWS) -> RawTable:
    """Read a CSV (or tab-separated "Unicode text") file held in memory.

    `encoding` is "auto" or any Python codec name (common spellings accepted). Raises `FileRejected` for a
    file that cannot be imported at all and `InvalidValue` for an unknown encoding name.
    """
    codec = resolve_encoding(encoding)  # an unknown name is a usage problem, whatever the file holds
    if not data or data.isspace():
        raise empty_file(name)
    what = describe_binary(data, nul=False)
    if what:
        raise not_a_table(name, what)
    text, label = _decode_auto(data, name) if codec is None else _decode_forced(data, codec, name)
    if not text or text.isspace():
        raise empty_file(name)  # only a BOM, or only white space in UTF-16
    if "\x00" in text:
        # Text holds no NUL characters: decoding gave some, so the bytes are not in this encoding (UTF-32 behind a
        # UTF-16 mark, from a Salesforce Data Loader export, reads as columns full of U+0000).
        raise FileRejected(
            _(
                "The file {file} does not read as {encoding}: it decodes to NUL characters, so it is in another "
                "encoding (UTF-32, perhaps)"
            ).format(file=name, encoding=label),
            _("Save it again as CSV UTF-8 (in Excel: CSV UTF-8; in LibreOffice: Unicode (UTF-8)) and import that"),
        )
    delimiter = sniff_delimiter(text)
    with gc_paused():  # about a million small objects, none in a cycle (see core.bulk)
        header, rows = split_table(text, delimiter, name=name, max_rows=max_rows)
    return RawTable(name=name, header=header, rows=rows, encoding=label, delimiter=delimiter)


# --- encoding -----------------------------------------------------------------------------------------------


def resolve_encoding(encoding: str) -> str | None:
    """The Python codec for an encoding name as a user types it, or None for automatic detection."""
    key = encoding.strip().lower()
    if key in ("", "auto", "automatic"):
        return None
    key = _ALIASES.get(key.replace(" ", "").replace("-", "").replace("_", ""), key)
    try:
        info = codecs.lookup(key)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_CODECS:
        raise InvalidValue(
            _('"{encoding}" is not an encoding custbook knows').format(encoding=encoding),
            _('Use "auto" or one of UTF-8, UTF-16, Windows-1252, ISO-8859-1, ISO-8859-15, Mac Roman'),
        )
    return info.name


def encoding_label(codec: str) -> str:
    """The name users know for a Python codec ("cp1252" -> "Windows-1252")."""
    name = codecs.lookup(codec).name
    return _LABELS.get(name, name.upper())


def _decode_forced(data: bytes, codec: str, name: str) -> tuple[str, str]:
    wide = codec.startswith(("utf-16", "utf-32"))
    if not wide and b"\x00" in data:
        raise not_a_table(name, _("binary data, not text"))
    if codec == "utf-8":
        codec = "utf-8-sig"  # a BOM is not part of the first column name
    bom = codec == "utf-8-sig" and data.startswith(codecs.BOM_UTF8)
    label = "UTF-8 with BOM" if bom else encoding_label(codec)
    return _strict(data, codec, label, name, forced=True), label


def _decode_auto(data: bytes, name: str) -> tuple[str, str]:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig" and b"\x00" in data:
                raise not_a_table(name, _("binary data, not text"))
            return _strict(data, codec, label, name, forced=False), label
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16:
            try:
                return data.decode(utf16), encoding_label(utf16)
            except UnicodeDecodeError:
                pass
        raise not_a_table(name, _("binary data, not text"))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as err:
        if _mostly_utf8(data, err.start):
            # Accents that decode as UTF-8 almost everywhere: a stray byte, not another encoding. Reading the
            # whole file as Windows-1252 would garble every accent, so name the place instead.
            raise _undecodable(data, "utf-8", "UTF-8", err, name, forced=False) from None
        mixed = _utf8_letter_at(data)
        if mixed is not None:
            # Lines in UTF-8 and lines in another encoding (two files pasted together): read whole as Windows-1252,
            # the UTF-8 lines would be stored as "CafÃ©" without a word. Name a line of each.
            first_utf8, other = _line_of(data, mixed), _line_of(data, err.start)
            raise FileRejected(
                _(
                    "The file {file} mixes two encodings: line {utf8} is UTF-8 and line {other} is not "
                    "(Windows-1252 or another code page), so one of them would be stored garbled"
                ).format(file=name, utf8=first_utf8, other=other),
                _(
                    'Save the file again as "CSV UTF-8" from your spreadsheet program, or choose with --encoding how '
                    "the whole file is read"
                ),
            ) from None
    codec, text = _guess_legacy(data)
    if text is None:
        text = _strict(data, codec, encoding_label(codec), name, forced=False)  # cannot fail: checked above
    return text, encoding_label(codec)


def _strict(data: bytes, codec: str, label: str, name: str, *, forced: bool) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        raise _undecodable(data, codec, label, err, name, forced=forced) from None
    return text[1:] if text.startswith("\ufeff") else text


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, recognised from Western text's zero high bytes."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    if odd >= 0.7 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.7 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


_UTF8_SEQUENCE = re.compile(rb"[\xc3-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _utf8_letter_at(data: bytes) -> int | None:
    """Where a letter encoded in UTF-8 ("é" as C3 A9) first appears in a file that is not UTF-8 as a whole, or None.
    Western code pages almost never form one by chance: it takes a capital letter such as Ã followed by a symbol
    such as ©, which real names do not hold."""
    for match in _UTF8_SEQUENCE.finditer(data):
        letter = match.group().decode("utf-8", errors="replace")
        if letter.isalpha():
            return match.start()
    return None


def _line_of(data: bytes, at: int) -> int:
    return data.count(b"\n", 0, at) + 1


def _mostly_utf8(data: bytes, at: int) -> bool:
    """Around the first stray byte (at `at`), many valid UTF-8 characters for each stray byte. Legacy code pages
    almost never form UTF-8 sequences by chance (Mac Roman's "’é" does, hence a ratio rather than "any")."""
    low = max(0, at - 256 * 1024)
    while low < at and data[low] & 0xC0 == 0x80:
        low += 1  # start on a character, not inside one
    text = data[low : at + 256 * 1024].decode("utf-8", errors="replace")
    stray = text.count("\ufffd")
    sequences = len(text) - len(text.encode("ascii", errors="ignore")) - stray
    return sequences >= 3 and sequences >= 4 * stray


def _guess_legacy(data: bytes) -> tuple[str, str | None]:
    """The Western code page of a file that is not UTF-8, Windows-1252 unless clearly something else, with the
    text when it is already decoded."""
    # Imported here: charset-normalizer is only needed for the rare non-UTF-8 file and costs time to import.
    from charset_normalizer import from_bytes

    text: str | None = None
    try:
        text = data.decode("cp1252")
        candidates = ["cp1252", "mac_roman", "iso8859_15"]
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined are å ç è ê ù in Mac Roman and control codes in ISO-8859.
        candidates = ["mac_roman", "iso8859_15", "latin_1"]
    sample = _high_byte_sample(data)
    matches = from_bytes(sample, cp_isolation=candidates, threshold=1.0, steps=16, chunk_size=2048,
                         preemptive_behaviour=False)  # fmt: skip
    chaos = {codecs.lookup(m.encoding).name: m.chaos for m in matches}
    default = codecs.lookup(candidates[0]).name
    if default not in chaos:
        return (min(chaos, key=chaos.__getitem__) if chaos else default), None
    best = min(chaos, key=lambda c: (chaos[c], c != default))
    if chaos[best] < chaos[default] - 0.05:
        return best, None
    # Short samples fool the mess measure ("CafŽ" looks fine to it): then look at the letters themselves.
    close = default == "cp1252" and chaos.get("mac-roman", 1.0) <= chaos[default] + 0.05
    if close and _shape_score(sample.decode("mac_roman")) < _shape_score(sample.decode("cp1252")):
        return "mac-roman", None
    return default, text


def _high_byte_sample(data: bytes, limit: int = 32 * 1024) -> bytes:
    """The lines holding non-ASCII bytes (up to `limit`): the only ones that tell code pages apart."""
    parts: list[bytes] = []
    size = pos = 0
    while size < limit:
        found = _HIGH.search(data, pos)
        if not found:
            break
        at = found.start()
        low = max(0, at - 200)
        start = data.rfind(b"\n", low, at) + 1 or low
        end = data.find(b"\n", at, at + 200)
        end = end if end >= 0 else min(len(data), at + 200)
        parts.append(data[start : end + 1])
        size += end + 1 - start
        pos = end + 1
    return b"".join(parts)


def _shape_score(text: str) -> int:
    """How many non-ASCII characters sit oddly in a word: a symbol touching a letter ("H™tel") or a capital after
    a small letter or before one inside a word ("CafŽ", "MŸller"). The right code page scores about zero."""
    score = 0
    for found in _NON_ASCII.finditer(text, 1, len(text) - 1):
        i = found.start()
        before, kind, after = text[i - 1], unicodedata.category(found.group()), text[i + 1]
        if kind[0] == "S" or found.group() in _ODD_INSIDE_WORDS:
            score += before.isalpha() or after.isalpha()
        elif kind == "Lu" and before.isalpha():
            score += before.islower() or after.islower()
    return score


def _undecodable(
    data: bytes, codec: str, label: str, err: UnicodeDecodeError, name: str, *, forced: bool
) -> FileRejected:
    prefix = data[: err.start].decode(codec, errors="replace").lstrip("\ufeff")
    row = _row_at_end(prefix)
    line = len(_LINE_BREAK.findall(prefix)) + 1
    before = _LINE_BREAK.split(prefix)[-1][-20:].strip()
    label = label.removesuffix(" with BOM")
    if forced:
        fix = _(
            "Choose the encoding the file was saved in (Windows-1252 for most files from Excel on Windows, "
            "Mac Roman for old Mac files), or leave the encoding on automatic"
        )
    else:
        fix = _('Save the file again as "CSV UTF-8" from your spreadsheet program, or choose its encoding')
    # Whole sentences: where the bad bytes are (the row, and the line when a quoted cell spans lines) and after what.
    if line == row and before:
        message = _(
            "The file {file} cannot be read as {encoding}: row {row} holds bytes that are not {encoding}, right "
            'after "{before}"'
        )
    elif line == row:
        message = _("The file {file} cannot be read as {encoding}: row {row} holds bytes that are not {encoding}")
    elif before:
        message = _(
            "The file {file} cannot be read as {encoding}: row {row} (line {line} in a text editor) holds bytes "
            'that are not {encoding}, right after "{before}"'
        )
    else:
        message = _(
            "The file {file} cannot be read as {encoding}: row {row} (line {line} in a text editor) holds bytes "
            "that are not {encoding}"
        )
    return FileRejected(message.format(file=name, encoding=label, row=row, line=line, before=before), fix)


def _row_at_end(prefix: str) -> int:
    """The spreadsheet row in which the text following `prefix` lies."""
    if not prefix:
        return 1
    # The sentinel makes the record being read non-empty, so that it counts even right after a line break.
    return sum(1 for _ in csv_records(prefix + "x", sniff_delimiter(prefix)))
