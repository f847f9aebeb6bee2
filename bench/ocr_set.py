"""A labelled set for OCR: fictional review pages, printed, rasterised and made into scans.

The text is written for this project (no real review, no real child or family). Each page is
typeset with reportlab, rendered to a grey image at a scan resolution with pdfium, degraded
like a photocopy (a slight skew, blur, speckle, JPEG compression; deterministic per page) and
saved as an image-only PDF with Pillow: no text layer, so only OCR can read it. The tests and
``python -m bench.ocr`` use the same pages, whose text is known word for word.
"""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

MARKER = "Fictional sample - written for the Case Review Library, not a real review."

#: page texts; each has a phrase found on no other page (the "key phrase" tests look for)
PAGES: list[str] = [
    "Learning review: Child Q (fictional). Summary of the review. "
    "The review was commissioned after Child Q, aged seven months, was taken to hospital with "
    "a fractured femur. The key phrase for this page is heliotrope lantern. The family had "
    "moved to the area from another county in the spring, and the transfer of records between "
    "the two health visiting services took eleven weeks.",
    "Agencies involved. The health visitor saw the baby four times before the injury. "
    "The key phrase for this page is marigold compass. Each contact took place at the family "
    "home with the mother present; the father was described as working away. No practitioner "
    "asked who else lived in the household or who cared for the baby at night.",
    "Bruising in a non-mobile baby. Three weeks before the admission the general practitioner "
    "noted a small bruise on the baby's cheek and accepted the mother's explanation that an "
    "older sibling had dropped a toy. The key phrase for this page is saffron harbour. The "
    "local protocol says that any bruise on a baby who is not yet mobile needs a referral.",
    "Information sharing. The school nurse knew that the older sibling had said there was "
    "shouting at home, and the police had attended a domestic incident at the address in "
    "January. The key phrase for this page is juniper meadow. Neither piece of information "
    "reached the health visitor, because each agency recorded it only in its own system.",
    "Professional curiosity. Practitioners accepted what they were told and did not test it "
    "against what they saw. The key phrase for this page is cobalt orchard. Supervision "
    "records show that the health visitor raised a worry about the father's absence, but the "
    "discussion ended without an agreed action or a date to review it.",
    "Findings. Finding one: the bruising protocol was not followed because it was not known "
    "to locum staff in the surgery. Finding two: the men in the household were not seen or "
    "assessed. The key phrase for this page is amber lighthouse. Finding three: information "
    "held by the police and the school did not reach the practitioners who needed it.",
    "Recommendations. The partnership should make sure that every practitioner who sees babies "
    "knows the bruising protocol and uses it. The key phrase for this page is velvet quarry. "
    "Agencies should record the name and role of every adult in the household and ask about "
    "them at each visit, including those who are said to be working away.",
    "Conclusion. The review does not find that the injury could have been predicted, but it "
    "finds missed chances to ask questions that might have protected the baby. The key phrase "
    "for this page is russet pavilion. The partnership will report on its action plan to the "
    "safeguarding board within six months of publication.",
]
#: a phrase printed only on page N (1-based): the words after "The key phrase ... is"
KEY_PHRASES: dict[int, str] = {
    i: re.search(r"The key phrase for this page is ([a-z]+ [a-z]+)", text).group(1)  # type: ignore[union-attr]
    for i, text in enumerate(PAGES, start=1)
}
FONTS = ("Times-Roman", "Helvetica", "Courier")

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lowercase words (letters and digits), the unit of the recall figure."""
    return _WORD.findall(text.lower().replace("\u2019", "'").replace("'", ""))


def page_words(text: str) -> list[str]:
    return words(f"{text} {MARKER}")


def recall(truth: str, found: str) -> tuple[int, int]:
    """(words of ``truth`` found in ``found``, words of ``truth``), as multisets."""
    want, got = Counter(words(truth)), Counter(words(found))
    return sum(min(n, got[w]) for w, n in want.items()), sum(want.values())


def text_pdf(pages: Sequence[str], *, font: str = "Times-Roman", size: float = 11) -> bytes:
    """A text-layer PDF of ``pages`` (A4), each with the fictional-sample marker at the top."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    for text in pages:
        c.setFont("Helvetica-Oblique", 9)
        c.drawString(60, height - 50, MARKER)
        c.setFont(font, size)
        y = height - 90
        for line in simpleSplit(text, font, size, width - 120):
            c.drawString(60, y, line)
            y -= size * 1.45
        c.showPage()
    c.save()
    return buf.getvalue()


def scan_images(
    pages: Sequence[str],
    *,
    dpi: int = 200,
    seed: int = 0,
    rotate: int | Sequence[int] = 0,
    degrade: bool = True,
    poor: bool = False,
) -> list[object]:
    """Pillow images of the pages as a scanner would give them (grey, at ``dpi``); ``rotate``:
    degrees anticlockwise, for every page or one per page (a sheet fed sideways or upside down).
    ``poor``: a worn photocopy (grey paper, faint ink, more blur and speckle, heavy JPEG)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    images = []
    for n, text in enumerate(pages):
        rnd = random.Random(seed * 1000 + n)
        font = FONTS[(seed + n) % len(FONTS)]
        pdf = pdfium.PdfDocument(text_pdf([text], font=font, size=rnd.choice((10, 11, 12))))
        try:
            img = pdf[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        finally:
            pdf.close()
        if degrade:
            if poor:  # ink at 45% grey on paper at 80%: a faded copy
                img = img.point(lambda v: 115 + v * (205 - 115) // 255)
            img = img.rotate(rnd.uniform(-0.8, 0.8), resample=Image.BICUBIC, fillcolor=255)
            blur = rnd.uniform(0.8, 1.1) if poor else rnd.uniform(0.3, 0.7)
            img = img.filter(ImageFilter.GaussianBlur(blur))
            px = img.load()
            w, h = img.size
            for _ in range(w * h // (300 if poor else 1500)):  # speckle
                px[rnd.randrange(w), rnd.randrange(h)] = rnd.choice((0, 90, 255))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=rnd.randint(30, 45) if poor else rnd.randint(60, 85))
            img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
        angle = rotate if isinstance(rotate, int) else rotate[n % len(rotate)]
        if angle:
            img = img.rotate(angle, expand=True)
        images.append(img)
    return images


def save_scan(path: Path, images: Sequence[object], *, dpi: int = 200) -> Path:
    """An image-only PDF (no text layer), one image per page, at ``dpi``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first, *rest = images
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=float(dpi))  # type: ignore[attr-defined]
    return path


def make_scan(
    path: Path,
    pages: Sequence[str] = PAGES,
    *,
    dpi: int = 200,
    seed: int = 0,
    rotate: int | Sequence[int] = 0,
    poor: bool = False,
) -> Path:
    """An image-only PDF of ``pages`` scanned at ``dpi`` (rotated by ``rotate`` degrees)."""
    images = scan_images(pages, dpi=dpi, seed=seed, rotate=rotate, poor=poor)
    return save_scan(path, images, dpi=dpi)


def make_mixed(path: Path, layout: str, pages: Sequence[str] = PAGES, *, dpi: int = 200) -> Path:
    """A PDF mixing text pages ('t') and scanned pages ('s') in the order of ``layout``, page
    N carrying ``pages[N-1]``: e.g. ``"tst"``."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for n, kind in enumerate(layout):
        text = pages[n % len(pages)]
        if kind == "t":
            src = pdfium.PdfDocument(text_pdf([text]))
        else:
            buf = io.BytesIO()
            image = scan_images([text], dpi=dpi, seed=n)[0]
            image.save(buf, "PDF", resolution=float(dpi))  # type: ignore[attr-defined]
            src = pdfium.PdfDocument(buf.getvalue())
        out.import_pages(src)
        src.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    out.save(str(path))
    out.close()
    return path
