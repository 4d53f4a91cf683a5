#!/usr/bin/env python3
"""mreport_browser.py — checks of the monthly report as a browser and a
spreadsheet show it (tests/integration/report_html.sh), standard library only.

  mreport_browser.py png SHOT.png
      the screenshot rendered something: enough non-white pixels and
      enough distinct colours (the status colours of the charts)
  mreport_browser.py dom DOM.html TITLE
      the DOM chromium built holds the title, the three charts (svg with
      their ids and classes) and their marks (bars, heat-map cells, targets)
  mreport_browser.py sheet REPORT.csv REPORT.fods
      every cell LibreOffice read from the CSV equals the CSV's: texts with
      their diacritics, integers and decimal-comma numbers as numbers,
      dd/mm/yyyy as dates
"""
import csv
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                fail(f"unexpected PNG format depth {depth} colour type {ctype}")
            bpp = 3 if ctype == 2 else 4
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path):
    w, h, bpp, rows = png_pixels(path)
    colours, nonwhite, total = set(), 0, 0
    for y in range(0, h, 2):
        r = rows[y]
        for x in range(0, w, 2):
            px = r[x * bpp:x * bpp + 3]
            total += 1
            if px != b"\xff\xff\xff":
                nonwhite += 1
            colours.add(px)
    share = nonwhite / total
    print(f"screenshot {w}x{h}: {share:.1%} non-white pixels, {len(colours)} distinct colours")
    if share < 0.05:
        fail("the screenshot is (nearly) blank")
    if len(colours) < 20:
        fail("too few colours: the charts did not render")
    # the status colours of the stacked bars (mreport_html.c) must be on screen
    want = {"done-on-time": b"\x2e\x7d\x32", "ongoing-late": b"\xe5\x39\x35"}
    for name, rgb in want.items():
        if rgb not in colours:
            fail(f"colour of {name} (#{rgb.hex()}) not on the screenshot")
    print("screenshot ok")


def check_dom(path, title):
    dom = open(path, encoding="utf-8").read()
    checks = [
        ("title", f"<title>{title}</title>" in dom),
        ("h1", re.search(r'<h1 id="report-title">' + re.escape(title) + "</h1>", dom) is not None),
        ("stacked chart", re.search(r'<svg id="chart-status-section" class="chart chart-stacked"', dom) is not None),
        ("heat map", re.search(r'<svg id="chart-compliance" class="chart chart-heatmap"', dom) is not None),
        ("indicator chart", re.search(r'<svg id="chart-indicators" class="chart chart-indicators"', dom) is not None),
        ("stacked bars", len(re.findall(r'<rect class="seg st-', dom)) >= 20),
        ("heat-map cells", len(re.findall(r'<rect class="cell"', dom)) >= 12 * 10),
        ("target marks", len(re.findall(r'<line class="target"', dom)) >= 5),
        ("no script", "<script" not in dom.lower()),
        ("dates dd/mm/yyyy", re.search(r"\b23/12/2025\b", dom) is not None),
    ]
    for name, ok in checks:
        print(f"dom {name}: {'ok' if ok else 'MISSING'}")
    if not all(ok for _, ok in checks):
        fail("the DOM lacks expected elements")


NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def q(ns, tag):
    return "{%s}%s" % (NS[ns], tag)


def cell_text(c):
    out = []
    for p in c.iter(q("text", "p")):
        s = []
        def walk(e):
            if e.text:
                s.append(e.text)
            for ch in e:
                if ch.tag == q("text", "s"):
                    s.append(" " * int(ch.get(q("text", "c"), "1")))
                elif ch.tag == q("text", "line-break"):
                    s.append("\n")
                else:
                    walk(ch)
                if ch.tail:
                    s.append(ch.tail)
        walk(p)
        out.append("".join(s))
    return "\n".join(out)


def sheet_grid(path):
    root = ET.parse(path).getroot()
    table = next(root.iter(q("table", "table")))
    grid = []
    for row in table.iter(q("table", "table-row")):
        cells = []
        for c in row:
            if c.tag not in (q("table", "table-cell"), q("table", "covered-table-cell")):
                continue
            rep = int(c.get(q("table", "number-columns-repeated"), "1"))
            t = c.get(q("office", "value-type"))
            if t in ("float", "percentage", "currency"):
                v = ("float", float(c.get(q("office", "value"))))
            elif t == "date":
                v = ("date", c.get(q("office", "date-value")))
            elif t is None:
                v = ("empty", "")
            else:
                v = ("string", cell_text(c))
            cells.extend([v] * min(rep, 64))
        rrep = int(row.get(q("table", "number-rows-repeated"), "1"))
        grid.extend([cells] * min(rrep, 4))
    return grid


def check_sheet(csv_path, fods_path):
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    grid = sheet_grid(fods_path)
    n = bad = nums = dates = texts = 0
    for y, r in enumerate(rows):
        g = grid[y] if y < len(grid) else []
        for x, want in enumerate(r):
            got = g[x] if x < len(g) else ("empty", "")
            n += 1
            if want == "":
                ok = got[0] == "empty" or got == ("string", "")
            elif re.fullmatch(r"-?\d+", want):
                ok = got == ("float", float(want))
                nums += 1
            elif re.fullmatch(r"-?\d+,\d+", want):
                ok = got[0] == "float" and abs(got[1] - float(want.replace(",", "."))) < 1e-9
                nums += 1
            elif re.fullmatch(r"-?\d+(,\d+)?%", want):
                # a target such as "100%": a percentage cell, value 1.0
                ok = got[0] == "float" and abs(got[1] - float(want[:-1].replace(",", ".")) / 100) < 1e-9
                nums += 1
            elif re.fullmatch(r"\d\d/\d\d/\d{4}", want):
                d, m, yy = want.split("/")
                ok = got[0] == "date" and got[1][:10] == f"{yy}-{m}-{d}"
                dates += 1
            elif re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", want):
                d, m, yy = want[:10].split("/")
                ok = got[0] == "date" and got[1][:16] == f"{yy}-{m}-{d}T{want[11:]}"
                dates += 1
            else:
                ok = got == ("string", want)
                texts += 1
            if not ok:
                bad += 1
                if bad <= 10:
                    print(f"cell row {y + 1} col {x + 1}: CSV {want!r}, LibreOffice {got!r}")
    print(f"sheet: {n} cells compared ({texts} texts, {nums} numbers, {dates} dates), {bad} differ")
    if bad or texts < 100 or nums < 100 or dates < 10:
        fail("LibreOffice did not read the CSV as written")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "png":
        check_png(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "dom":
        check_dom(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "sheet":
        check_sheet(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)
