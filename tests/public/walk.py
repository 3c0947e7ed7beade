"""The public part as an anonymous visitor meets it: every page reachable from /public/ and robots.txt (links
followed, every filter choice tried), every file in every format, each read as the text a person or program gets."""

import html
import io
import json
import re
from urllib.parse import urlsplit

from openpyxl import load_workbook

HREF = re.compile(r'(?:href|src|content)="([^"]+)"|<loc>([^<]+)</loc>|"(?:@id|contentUrl)": "([^"]+)"')
OPTION = re.compile(r'<select[^>]*name="([a-z]+)"[^>]*>(.*?)</select>', re.S)
VALUE = re.compile(r'<option value="([^"]+)"')


def readable(response) -> str:
    """The bytes as text, with HTML, XML and JSON escapes undone; a workbook's cells one per line."""
    body = response.content
    if body[:2] == b"PK":
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    text = body.decode("utf-8")
    parts = [text, html.unescape(text)]
    if response["Content-Type"].startswith(("application/json", "application/ld+json")):
        parts.append(json.dumps(json.loads(text), ensure_ascii=False))
    return "\n".join(parts)


def _local(url) -> str | None:
    parts = urlsplit(html.unescape(url))
    if parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/public/") or path == "/robots.txt" else None


def walk(client, *, limit=1500) -> dict:
    """{path: (response, text)} for every public page and file an anonymous client reaches."""
    seen, queue = {}, ["/public/", "/robots.txt", "/public/sitemap.xml"]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        text = readable(response)
        seen[path] = (response, text)
        if response["Content-Type"].startswith(("text/html", "application/xml", "application/ld+json", "text/plain")):
            body = html.unescape(response.content.decode())
            found = [next(g for g in groups if g) for groups in HREF.findall(body)]
            for name, options in OPTION.findall(body):  # every filter choice, one at a time
                found += [f"/public/?{name}={value}" for value in VALUE.findall(options)]
            found += [line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("Sitemap: ")]
            for url in found:
                local = _local(url)
                if local and local not in seen:
                    queue.append(local)
    return seen
