"""CSV: reading any common encoding and delimiter (`reader`), and the two CSV writers: for people and spreadsheets
(`plain`: labels, a BOM, formulas neutralised, comma or semicolon) and for importing again (`for_import`: field
IDs and exact values). Each module loads only when its direction is asked for."""
