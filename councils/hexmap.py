"""The geometry of the 32 councils' hex cartogram (each council's `hex_col`/`hex_row`, from the Open Innovations
hexmap): cell centres, hexagon points and name lines in SVG units. The dashboard's map, the practice library's
map of adopters and the public participation map draw the same cells (templates/includes/hex_patterns.html
holds their fill patterns)."""

from dataclasses import dataclass
from math import cos, pi, sin

HEX_SIZE = 56  # px from one flat side of a cell to the other
HEX_ROW_STEP = 0.866  # rows overlap: the reference data's layout ("odd-r", rows increasing northwards)


def hexagon(cx, cy, size) -> str:
    """A pointy-topped hexagon `size` wide, centred on (cx, cy), as SVG polygon points."""
    radius = size / 3**0.5
    corners = []
    for k in range(6):
        angle = pi / 180 * (60 * k - 30)
        corners.append(f"{cx + radius * cos(angle):.1f},{cy + radius * sin(angle):.1f}")
    return " ".join(corners)


def name_lines(short_name: str) -> list[str]:
    """A short name on one line, or two when it is long ("West / Dunbartonshire")."""
    if len(short_name) <= 10 or " " not in short_name:
        return [short_name]
    words = short_name.split(" ")
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


@dataclass
class HexCell:
    council: object
    x: float
    y: float
    points: str
    lines: list


def layout(cells: list[tuple[int, int]]) -> tuple[list[tuple[float, float]], int, int]:
    """The centre of each (hex_col, hex_row) cell, and the drawing's width and height."""
    min_col = min(col for col, _row in cells)
    max_col = max(col for col, _row in cells)
    max_row = max(row for _col, row in cells)
    min_row = min(row for _col, row in cells)
    centres = []
    for col, row in cells:
        x = (col - min_col) + (0.5 if row % 2 else 0)
        y = (max_row - row) * HEX_ROW_STEP
        centres.append((round(x * HEX_SIZE + HEX_SIZE * 0.6, 1), round(y * HEX_SIZE + HEX_SIZE * 0.7, 1)))
    width = (max_col - min_col + 1.5) * HEX_SIZE + HEX_SIZE * 0.2
    height = (max_row - min_row) * HEX_ROW_STEP * HEX_SIZE + HEX_SIZE * 1.4
    return centres, round(width), round(height)


def hex_layout(councils) -> tuple[list[HexCell], int, int]:
    """Every council's cell, and the drawing's width and height."""
    councils = list(councils)
    centres, width, height = layout([(c.hex_col, c.hex_row) for c in councils])
    cells = [HexCell(council, cx, cy, hexagon(cx, cy, HEX_SIZE - 2), name_lines(council.short_name))
             for council, (cx, cy) in zip(councils, centres, strict=True)]
    return cells, width, height
