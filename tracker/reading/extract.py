"""What a letter states: the authority's references, the exemptions, dates and the cost limit.

``extract`` reads a letter's text (best given as ``tracker.reading.hygiene.reading_text``) and returns
an :class:`Extraction`. Exemptions are normalised by ``tracker.reading.exemptions.exemption_id`` and
kept only when the reference table knows the section or regulation, so a letter's mention of
section 50 (complaints), section 10 (time limits) or the Data Protection Act is not an
exemption. Each citation says whether the authority *relies* on it (``withheld under section
40(2)``, ``exempt under``, ``section 43 is engaged``) or only mentions it (complaint rights,
"we considered whether ... but", "was not engaged"); the procedural sections (FOIA ss.1, 9-11,
13, 15-20, EIR regs 5-11 and 14, FOISA ss.1-11, 13, 15-17) are never relied on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from tracker.reading.exemptions import exemption_id, known_ids
from tracker.reading.hygiene import MAX_CHARS, reading_text
from tracker.model import Citation, Message

__all__ = ["MONTH_NAMES", "YEAR", "Extraction", "extract", "apply", "parse_date"]


@dataclass
class Extraction:
    authority_refs: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    stated_dates: dict[str, str] = field(default_factory=dict)
    cost_limit: int | None = None
    regime_hint: str | None = None  # "eir", "foisa" or None (FOIA or unknown)


def extract(text: str) -> Extraction:
    """References, citations, stated dates, cost limit and regime of one letter's text."""
    text = (text or "")[:MAX_CHARS]
    if not text.strip():
        return Extraction()
    lower = _lower(text)
    regime = _regime_hint(lower)
    return Extraction(
        authority_refs=_references(text, lower),
        citations=_citations(text, lower, regime),
        stated_dates=_stated_dates(text, lower),
        cost_limit=_cost_limit(lower),
        regime_hint=regime,
    )


def apply(message: Message, text: str | None = None) -> Extraction:
    """Fill a message's extraction fields; ``text`` is its reading text when already computed."""
    found = extract(reading_text(message.body_text) if text is None else text)
    names = "\n".join(a.filename for a in message.attachments if a.filename)  # "FOI 1068868 Response.pdf"
    named = [ref for ref in _references(names, _lower(names)) if ref not in found.authority_refs] if names else []
    found.authority_refs = [*found.authority_refs, *named]
    message.authority_refs = list(found.authority_refs)
    message.exemptions = list(found.citations)
    message.stated_dates = dict(found.stated_dates)
    message.cost_limit = found.cost_limit
    return found


# ------------------------------------------------------------------------------ regime

# Unanchored patterns are lower case and run on ``_lower(text)``: much faster than re.I, and
# positions stay those of the original text (only ASCII letters change).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_EIR_ABBREVIATION = re.compile(r"\beirs?\b")
_FOIA_ABBREVIATION = re.compile(r"\bfoia\b")


def _lower(text: str) -> str:
    lower = text.lower()
    return lower if len(lower) == len(text) else text.translate(_ASCII_LOWER)


def _regime_hint(lower: str) -> str | None:
    if "foisa" in lower or "freedom of information (scotland)" in lower or "scottish information commissioner" in lower:
        return "foisa"
    eir = lower.count("environmental information regulations") + lower.count("regulation 12")
    if "eir" in lower:
        eir += len(_EIR_ABBREVIATION.findall(lower))
    if not eir:
        return None
    foia = lower.count("freedom of information act") + lower.count("foi act")
    if "foia" in lower:
        foia += len(_FOIA_ABBREVIATION.findall(lower))
    return "eir" if eir > foia else None


# ------------------------------------------------------------------------------ references

_REF_VALUE = r"(?P<ref>(?:[A-Z]{1,6}[ ](?=\d))?(?:[A-Z0-9]+[-/.])*[A-Z0-9]*\d[A-Z0-9]*(?:[-/.][A-Z0-9]+)*)"
_REF_LABEL = re.compile(r"ref|case|request")
_PREFIXES = ("FO", "EIR", "RFI", "IR", "SAR")
_LABELLED_REF = re.compile(
    r"(?i:(?:"
    r"ref(?:erence)?\b\.?(?:\s*(?:number|no\b\.?|num\b))?"
    r"|case\s+(?:ref(?:erence)?\.?\s*)?(?:number|no\b\.?)"
    r"|request\s+(?:ref(?:erence)?\b\.?|number|no\b\.?)"
    r"|request\b(?=\s*[:.]?\s*[A-Z]{0,6}[ -]?\d{3})"
    r"))\s*[:.#]?\s*" + _REF_VALUE
)
_PREFIXED_REF = re.compile(r"\b(?P<ref>(?:FOISA|FOIA|FOI|EIR|RFI|IRQ|FO|IR|SAR)(?: / |[ /-])?\d[0-9]*(?:[-/][A-Z0-9]+)*)\b")
_SPACED_SLASH = re.compile(r"\s+/\s+")
YEAR = re.compile(r"(?:19|20)\d\d")  # a year, not a figure or a reference
_DATE_LIKE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


def _references(text: str, lower: str) -> list[str]:
    found: dict[str, None] = {}
    labelled = (
        _LABELLED_REF.match(text, label.start()) for label in _REF_LABEL.finditer(lower)
        if label.start() == 0 or not lower[label.start() - 1].isalnum()
    )
    prefixed = _PREFIXED_REF.finditer(text) if any(p in text for p in _PREFIXES) else ()
    for match in (*labelled, *prefixed):
        if match is None:
            continue
        ref = " ".join(_SPACED_SLASH.sub(" ", match.group("ref")).split()).rstrip(".-/")  # "FOI / 1483": a word, then the number
        digits = re.sub(r"\D", "", ref)
        if len(digits) < 3:
            continue
        if YEAR.fullmatch(ref.split(" ")[-1]) or _DATE_LIKE.fullmatch(ref):
            continue
        if any(ref != other and ref in other for other in found):
            continue
        for other in [o for o in found if o in ref and o != ref]:
            del found[other]
        found[ref] = None
    return list(found)


# ------------------------------------------------------------------------------ citations

_SUB = r"(?:\s*\(\s*[0-9A-Za-z]{1,4}\s*\))"
_SECTION_HEAD = re.compile(
    r"\b(?P<word>sections?|ss\.|s\.|s(?=\s?\d{1,2}[a-z]?\s*\())\s*(?P<num>\d{1,2}[a-z]?)(?![0-9])(?:\.(?P<dot>\d))?(?P<sub>" + _SUB + r"*)"
)
_S_NUMBER = re.compile(r"\bs ?\d")
_REGULATION_HEAD = re.compile(
    r"\b(?P<word>regulations?|regs?\.?)\s*(?P<num>\d{1,2})(?P<dot>)(?P<sub>" + _SUB + r"*)"
)
_CONTINUATION = re.compile(
    r"\s*(?:,|and|&|or|/)\s*(?:(?:sections?|s\.|regulations?|regs?\.?)\s*)?(?P<num>\d{1,2}[a-z]?)?(?P<sub>" + _SUB + r"*)"
)
_ACT_AFTER = re.compile(
    r"\s*(?:of|under|in)\s+(?:the\s+)?(?P<act>FOISA|FOIA|EIRs?|DPA|GDPR|(?:[A-Z][\w'()]*\s+){0,8}?(?:Act|Regulations)|[A-Z]{3,6}\b)",
)
_FOI_ACT = re.compile(r"freedom of information act|^foia$|^foi(?: act)?$|^act$")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")

_RELIED = re.compile(
    r"withh[eo]ld|withholding|\bexempt|exception|\brel(?:y|ied|ying)\b|engage[sd]?\b|(?<!not )\bapplied|\bapply(?:ing)?\b|\bapplies\b"
    r"|refus|not obliged|neither confirm nor deny|redact|removed under|by virtue of|is subject to|are subject to"
    r"|manifestly unreasonable|vexatious|cost limit|appropriate limit|\bexceed|protected by|covered by|falls? (?:within|under)|privilege"
)
_MENTIONED = re.compile(
    r"section 50\b|complain|right to (?:ask|request|appeal|apply|complain)|\byou (?:may|can|could|have the right)\b"
    r"|if you (?:are|remain) (?:not|un|dis)|\bnot (?:been )?engaged|was not (?:correctly |properly )?(?:engaged|applied)"
    r"|does not apply|do not apply|did not apply|not (?:been )?(?:applied|relied)|considered whether|\bmay (?:engage|apply|be exempt)"
    r"|\bmight\b|could (?:apply|be exempt)|would not (?:apply|be engaged)"
)


@lru_cache(maxsize=1)
def _reference_bases() -> dict[str, frozenset[str]]:
    """Regime -> the section / regulation numbers the reference table knows ("40", "12", "22A")."""
    bases: dict[str, set[str]] = {}
    for ident in known_ids():
        regime, _, provision = ident.partition(" ")
        number = re.match(r"(?:s\.|reg )(\d+[A-Z]?)", provision)
        if number:
            bases.setdefault(regime, set()).add(number.group(1))
    return {regime: frozenset(numbers) for regime, numbers in bases.items()}


def _reliable(regime: str, number: str, subs: list[str]) -> bool:
    """Can an authority withhold under this provision at all (an exemption, s.12 or s.14)?"""
    base = int(re.match(r"\d+", number).group())
    if regime == "FOIA":
        return base in (12, 14) or 21 <= base <= 44
    if regime == "FOISA":
        return base in (12, 14, 18) or 25 <= base <= 41
    return base == 13 or (base == 12 and bool(subs) and subs[0] in ("3", "4", "5"))


def _tidy_sub(token: str) -> str:
    token = token.strip("() \t\n")
    return token.upper() if token[:1].isdigit() else token.lower()


def _beside(previous: list[str], subs: list[str]) -> list[str]:
    """The sub-elements of a continuation that names only its last levels: "(b)" after
    (1)(a) is (1)(b); "(3A)(a)" after (2) is (3A)(a)."""
    if not subs or not previous:
        return subs
    kind = _sub_kind(subs[0])
    level = next((i for i in range(len(previous) - 1, -1, -1) if _sub_kind(previous[i]) == kind), len(previous))
    return previous[:level] + subs


def _sub_kind(sub: str) -> str:
    return "number" if sub[:1].isdigit() else "roman" if set(sub.lower()) <= set("ivx") and len(sub) > 1 else "letter"


def _subs(raw: str) -> list[str]:
    return [_tidy_sub(t) for t in re.findall(r"\(\s*[0-9A-Za-z]{1,4}\s*\)", raw)]


def _sentence(text: str, start: int, end: int) -> str:
    left = max(0, start - 400)
    before = [m.end() for m in _SENTENCE_END.finditer(text, left, start)]
    begin = before[-1] if before else left
    after = _SENTENCE_END.search(text, end, min(len(text), end + 400))
    return text[begin:after.end() if after else min(len(text), end + 400)].strip()


def _act_regime(text: str, end: int, default: str, is_regulation: bool) -> str | None:
    """The regime named just after a citation ("of FOISA", "of the EIR"); None for another Act."""
    own = "EIR" if is_regulation else default
    after = _ACT_AFTER.match(text, end, min(len(text), end + 90))
    if not after:
        return own
    act = " ".join(after.group("act").lower().split())
    if "scotland" in act or act == "foisa":
        return "FOISA"
    if "environmental" in act or act.startswith("eir"):
        return "EIR"
    if _FOI_ACT.search(act):
        return own
    return None


def _cited(lower: str, match: re.Match[str]) -> tuple[list[tuple[str, list[str]]], int]:
    """The provisions of one citation ("sections 31(1)(a) and 43(2)", "s.40(2) & (3A)(a)") as
    (number, sub-elements) pairs, and where the citation ends."""
    plural = match.group("word").endswith(("s", "ss."))
    number = match.group("num").upper()
    cited = [(number, ([match.group("dot")] if match.group("dot") else []) + _subs(match.group("sub")))]
    end = match.end()
    while True:
        more = _CONTINUATION.match(lower, end)
        if not more or not (more.group("num") or more.group("sub")):
            break
        if more.group("num") and not (more.group("sub") or plural):
            break  # "section 12 and 20 working days": a bare number continues only a plural
        subs = _subs(more.group("sub"))
        if not more.group("num"):  # "38(1)(a) and (b)": (b) takes the place of (a), under the same (1)
            subs = _beside(cited[-1][1], subs)
        cited.append(((more.group("num") or number).upper(), subs))
        end = more.end()
    return cited, end


def _citations(text: str, lower: str, regime_hint: str | None) -> list[Citation]:
    default = "FOISA" if regime_hint == "foisa" else "FOIA"
    bases = _reference_bases()
    found: dict[str, Citation] = {}
    heads = []
    if "s" in lower and ("section" in lower or "s." in lower or _S_NUMBER.search(lower)):
        heads.append((_SECTION_HEAD, False))
    if "reg" in lower:
        heads.append((_REGULATION_HEAD, True))
    for head, is_regulation in heads:
        for match in head.finditer(lower):
            cited, end = _cited(lower, match)
            regime = _act_regime(text, end, default, is_regulation)
            if regime is None:
                continue
            sentence = _sentence(text, match.start(), end)
            lowered = _lower(sentence)
            relied_here = bool(_RELIED.search(lowered)) and not _MENTIONED.search(lowered)
            for num, sub in cited:
                if num not in bases.get(regime, frozenset()):
                    continue
                ident = exemption_id(regime, num + "".join(f"({s})" for s in sub))
                relied = relied_here and _reliable(regime, num, sub)
                quote = sentence if len(sentence) <= 200 else text[match.start():end].strip()
                previous = found.get(ident)
                if previous is None:
                    found[ident] = Citation(ident, relied, " ".join(quote.split()))
                elif relied and not previous.relied_on:
                    found[ident] = Citation(ident, True, " ".join(quote.split()))
    return _merge_ancestors(list(found.values()))


def _merge_ancestors(citations: list[Citation]) -> list[Citation]:
    """"Section 40" next to "section 40(2)" is the same exemption, described: keep the precise one."""
    kept: list[Citation] = []
    for citation in citations:
        children = [c for c in citations if c.exemption_id.startswith(citation.exemption_id + "(")]
        if children:
            if citation.relied_on:
                for child in children:
                    child.relied_on = True
            continue
        kept.append(citation)
    return kept


# ------------------------------------------------------------------------------ dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}
MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(  # opens with the digit class so the engine skips other characters fast
    r"(?P<d1>\d{1,2})(?:(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>" + MONTH_NAMES + r")\.?,?\s+(?P<y1>\d{4})"
    r"|[/.](?P<m3>\d{1,2})[/.](?P<y3>\d{4}|\d{2}))\b"
)
_RESPOND_BY = re.compile(
    r"(?:respon\w*|reply|replies|decision|outcome|deadline|answer|hear from us|revised date)[^.]{0,70}?"
    r"\b(?:by|before|no later than|on or before|until|to|is)\s*$|no later than\s*$|deadline (?:is|of)\s*$"
)
_RECEIVED = re.compile(r"received\s+(?:\w+\s+)?on\s*$|contacting us on\s*$|receipt[^.]{0,40}\bon\s*$")
_DATED = re.compile(
    r"(?:e-?mail|letter|request|correspondence|enquiry|application)\s+(?:\w+\s+){0,3}?(?:of|dated|sent on)\s*$"
)


def parse_date(text: str) -> str | None:
    """``"2nd August 2018"``, ``"2 Aug 2018"``, ``"02/08/2018"`` (day first) -> ``"2018-08-02"``."""
    lower = _lower(text or "")
    for match in _DATE.finditer(lower):
        if not (match.start() and lower[match.start() - 1].isalnum()):
            return _date_of(match)
    return None


def _date_of(match: re.Match[str]) -> str | None:
    day = int(match.group("d1"))
    if match.group("m1"):
        month, year = _MONTHS[match.group("m1").lower()], int(match.group("y1"))
    else:
        month, year = int(match.group("m3")), int(match.group("y3"))
        if year < 100:
            year += 2000
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _stated_dates(text: str, lower: str) -> dict[str, str]:
    dates: dict[str, str] = {}
    head_end = len("\n".join(text.split("\n", 15)[:15]))
    for match in _DATE.finditer(lower):
        if match.start() and lower[match.start() - 1].isalnum():
            continue
        value = _date_of(match)
        if value is None:
            continue
        window = lower[max(0, match.start() - 160):match.start()]
        window = _SENTENCE_END.split(window)[-1]
        review = "review" in window
        if _RESPOND_BY.search(window):
            key = "respond_by"
        elif _RECEIVED.search(window):
            key = "review_received_on" if review else "received_on"
        elif _DATED.search(window):
            key = "review_requested_on" if review else "request_dated"
        elif match.start() < head_end and not window.strip(" \t*#"):
            key = "letter_date"
        else:
            continue
        dates.setdefault(key, value)
    return dates


# ------------------------------------------------------------------------------ cost limit

_COST_CONTEXT = re.compile(r"appropriate limit|costs? limit|section 12\b|s\.\s?12\b|cost of complian|\bexceed")
_POUNDS = re.compile(r"£\s?(\d{1,3}(?:,\d{3})*|\d+)(?:\.\d{2})?(?!\s*(?:per|an|a|/)\s*hour)")


def _cost_limit(lower: str) -> int | None:
    if "£" not in lower:
        return None
    amounts: list[int] = []
    for match in _COST_CONTEXT.finditer(lower):
        sentence = _sentence(lower, match.start(), match.end())
        amounts.extend(int(m.group(1).replace(",", "")) for m in _POUNDS.finditer(sentence))
    if not amounts:
        return None
    statutory = [a for a in amounts if a in (450, 600)]
    return statutory[0] if statutory else max(amounts)
