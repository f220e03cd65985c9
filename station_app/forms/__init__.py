"""Printable forms: the paper that still travels between the station, the villages and the county.

`layout` holds what every form shares (A4 sheet, title, boxed field tables, signature lines,
footer, page numbers, writing one PDF per batch); each form is a module of its own that declares
its sheet and maps a record to the sheet's values. Fonts are embedded, so forms print correctly
on a PC with no Chinese fonts installed.
"""
