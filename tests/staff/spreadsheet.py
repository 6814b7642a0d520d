"""Opening a CSV as a spreadsheet would, with each of its import options, and
asking a spreadsheet library which cells would be formulas."""

import io
import itertools

from openpyxl import Workbook, load_workbook

SEPARATOR_CHOICES = [",", ";", "\t", " ", "|", ":", ",;\t |:"]
IMPORT_OPTIONS = [
    {"separators": seps, "quotes": quotes, "trim": trim}
    for seps, quotes, trim in itertools.product(
        SEPARATOR_CHOICES, (True, False), (True, False)
    )
]


def cells(text: str, separators: str, quotes: bool, trim: bool) -> list[str]:
    """Split CSV text into cells the way an import dialog set so would."""
    found, cell, quoted, i = [], "", False, 0
    while i < len(text):
        char = text[i]
        if quotes and char == '"':
            if quoted and text[i + 1 : i + 2] == '"':
                cell, i = cell + '"', i + 2
                continue
            quoted = not quoted
        elif not quoted and (char in separators or char in "\r\n"):
            found.append(cell)
            cell = ""
        else:
            cell += char
        i += 1
    found.append(cell)
    return [c.strip() if trim else c for c in found]


def looks_like_a_formula(value: str) -> bool:
    """What a spreadsheet evaluates beyond openpyxl's "=": a +, - or @ leading
    something that is not a plain number."""
    if value[:1] not in ("+", "-", "@") or len(value) < 2:
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def formulas(text: str, **options) -> list[str]:
    """The cells that would be formulas once imported and saved as a workbook."""
    book = Workbook()
    sheet = book.active
    imported = cells(text, **options)
    for n, value in enumerate(imported, start=1):
        sheet.cell(row=n, column=1, value=value)
    saved = io.BytesIO()
    book.save(saved)
    reopened = load_workbook(io.BytesIO(saved.getvalue())).active
    stored = [c.value for c in reopened["A"] if c.data_type == "f"]
    return stored + [v for v in imported if looks_like_a_formula(v)]
