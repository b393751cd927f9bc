"""Text hygiene: the part of a letter that speaks, and whether it was written by a machine.

``reading_text`` removes what must never drive a classification: earlier messages quoted below
a reply ("-----Original Message-----", "On ... wrote:", Outlook and Lotus Notes header blocks,
"> " lines, a requester's letter pasted under a rule), WhatDoTheyKnow's footer on outgoing
mail, e-mail confidentiality and virus-scan disclaimers, and the list of links that an
HTML-to-text conversion appends. It follows the rules of Alaveteli's own folding
(``IncomingMessage.remove_quoted_sections``) and is tested against its fixtures.

``is_auto_reply`` tells an out-of-office message or a delivery failure from a letter, from the
e-mail headers first and the wording second.
"""

from __future__ import annotations

import re

from tracker.reading.patterns import Phrase

__all__ = ["MAX_CHARS", "BOUNCE", "reading_text", "sentence_spans", "is_auto_reply", "decode_letter", "looks_binary"]

#: Only the start of an enormous text is read: no letter is longer, and every rule stays linear.
MAX_CHARS = 200_000

#: The reason ``is_auto_reply`` gives for a bounce (tracker.reading.status turns it into error_message).
BOUNCE = "delivery status notification"

_SCORE = re.compile(r"^\s*([-_*#=~])(?:\s*\1){7,}\s*$")
_RULE_CHARS = frozenset("-_*#=~")
_LETTER_START = frozenset("dhgykbwrmts")  # first letters of salutations and sign-offs
_SALUTATION = re.compile(r"^\s*(?:dear\b|hello\b|hi\b|good (?:morning|afternoon)\b)", re.I)
_SIGN_OFF = re.compile(
    r"^\s*(?:yours,?\s*(?:sincerely|faithfully|truly|ever)|(?:kind|best|warm|with kind)?\s*regards|"
    r"many thanks|thanks|thank you|best wishes|sincerely)\W*$",
    re.I,
)
_ORIGINAL = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|forwarded message|forwarded by|this is a copy of the message)"
    r"|begin forwarded message:)",
    re.I,
)
_ON_START = re.compile(r"^\s*On\s")
_WROTE_END = re.compile(r"\b(?:wrote|said|writes)\s*:\s*$", re.I)
_HEADER_FROM = re.compile(r"^\s*\*?From:\*?\s*\S", re.I)
_HEADER_OTHER = re.compile(r"^\s*\*?(?:Sent|Date|To|Subject|Cc):\*?", re.I)
_LOTUS_SUBJECT = re.compile(r"^\s*Subject\s*$")
_QUOTE_LINE = re.compile(r"^\s*>")
# Unanchored patterns are lower case and run on lower-case text: much faster than re.I.
_WDTK_FOOTER = re.compile(
    r"please use this email address for all replies to this request"
    r"|disclaimer: this message and any reply that you make will be published"
)
_WDTK_FOOTER_END = re.compile(r"foi page|/help/officers|privacy and copyright policies")
_SCORED_KEYWORDS = re.compile(
    r"disclaimer|confidential|in error|virus|intended recipient|monitored|intended (?:for|only for use by) "
    r"the addressee|messagelabs|mimecast|unauthori[sz]ed (?:use|disclosure)|privileged|views expressed"
)
_DISCLAIMER = Phrase(  # searched sentence by sentence: its literals first
    r"this (?:e-?mail|message|communication)(?: and any (?:files|attachments)[^.]{0,80})? (?:is|are|may be) "
    r"(?:strictly )?(?:confidential|private|intended)"
    r"|(?:received|got) this (?:e-?mail|message|communication) (?:in error|by mistake)"
    r"|not the intended recipient"
    r"|(?:scanned|swept|checked|screened) (?:for|by)[^.]{0,60}virus|certified virus free|virus scanning service"
    r"|communications via the gsi"
    r"|may be (?:automatically )?(?:logged|monitored|intercepted)|routinely monitored|monitors all (?:internet )?e-?mail"
    r"|messagelabs|mimecast delivers"
    r"|please consider the environment before printing"
    r"|internet e-?mail is not (?:to be treated as )?a secure"
    r"|(?:views|opinions) (?:expressed|of the author)[^.]{0,40}(?:not necessarily|may not)"
    r"|(?:this|the) footnote (?:also )?confirms"
    r"|we keep and use information in line with the data protection act"
    r"|intended (?:solely|only) for (?:the )?(?:use of )?(?:the )?(?:individual|person|addressee|named|recipient)"
    r"|may contain (?:non-public|confidential|privileged|sensitive|protectively)|protectively marked material"
    r"|(?:this|the) e-?mail (?:has been|was) misdirected|(?:notify|inform|tell) the (?:sender|author) immediately"
    r"|(?:will not|does not|cannot|can not) accept (?:any )?(?:liability|responsibility) for[^.]{0,80}(?:virus|damage|loss)"
    r"|(?:carry out|run) (?:your own )?(?:anti-?)?virus checks"
)
_DISCLAIMER_WORDS = ("e-mail", "email", "message", "communication", "intended", "virus", "gsi", "monitor",
                     "intercept", "logged", "messagelabs", "mimecast", "environment", "secure", "views",
                     "opinions", "footnote", "data protection", "recipient", "liability")
_DISCLAIMER_CONTEXT = re.compile(
    r"virus|recipient|addressee|liability|confidential|privileged|protectively marked|non-public|intercept"
    r"|certificate number|\bgsi\b|cctm"
)
# A sentence ends at ., ! or ? (group 1) before white space, or at a line break.
_SENTENCE_END = re.compile(r"([.!?][\"')\u201d\u2019]?)\s+|[ \t]*\n\s*")
_LINK_LINE = re.compile(r"^\s*(?:\d+\.(?:\s+\S|\s*$)|(?:https?://|mailto:|www\.)\S*\s*$)")
_LINK_HEADINGS = ("Visible links", "Hidden links:", "Hidden links")


def reading_text(text: str) -> str:
    """The letter without quoted earlier messages, footers and disclaimers."""
    if not text:
        return ""
    text = text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = text.split("\n")
    lines = _cut_quoted_tail(lines)
    lines = [line for line in lines if not _QUOTE_LINE.match(line)]
    lines = _drop_wdtk_footer(lines)
    lines = _drop_link_lists(lines)
    lines = _drop_scored_disclaimers(lines)
    lines = _drop_disclaimer_sentences(lines)
    return _tidy(lines)


def decode_letter(content: bytes) -> str:
    """Bytes of a letter as text: UTF-8, else Windows-1252 (what most non-UTF-8 mail is)."""
    content = content[:MAX_CHARS * 4]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":  # only the cut at the end split a character
            return content[:error.start].decode("utf-8")
        return content.decode("cp1252", errors="replace")


def looks_binary(text: str) -> bool:
    """NUL bytes, many control characters or undecodable bytes: a file, not a letter."""
    sample = text[:4096]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    odd = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return odd > 0.05 * len(sample)


# ------------------------------------------------------------------------------ quoted messages


def _cut_quoted_tail(lines: list[str]) -> list[str]:
    """Everything from the first quoted earlier message to the end goes; a bottom-posted
    "On ... wrote:" whose quote is made of "> " lines loses only its header line(s)."""
    seen_content = False
    seen_letter = False  # a salutation or sign-off: a letter has started, so a rule can end it
    n = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        first = stripped[:1]
        if seen_content and first:
            if first in "-bB" and _ORIGINAL.match(line):
                return lines[:i]
            if first == "O" and _ON_START.match(line):
                end = next((j for j in range(i, min(i + 3, n)) if _WROTE_END.search(lines[j])), None)
                if end is not None:
                    following = next((lines[j] for j in range(end + 1, n) if lines[j].strip()), "")
                    if _QUOTE_LINE.match(following):
                        return lines[:i] + _cut_quoted_tail(lines[end + 1:])
                    return lines[:i]
            if first in "*F" and _HEADER_FROM.match(line) and sum(
                1 for j in range(i + 1, min(i + 7, n)) if _HEADER_OTHER.match(lines[j])
            ) >= 2:
                return lines[:i]
            if stripped == "To" and any(_LOTUS_SUBJECT.match(lines[j]) for j in range(i + 1, min(i + 8, n))):
                start = next((j for j in range(max(0, i - 8), i) if "@" in lines[j]), None)
                if start is not None:
                    return lines[:start]
            if seen_letter and first in _RULE_CHARS and _SCORE.match(line):
                following = next((lines[j] for j in range(i + 1, n) if lines[j].strip()), "")
                if _SALUTATION.match(following) or _HEADER_FROM.match(following):
                    return lines[:i]
        if stripped:
            seen_content = True
            if not seen_letter and _is_letter_line(line):
                seen_letter = True
    return lines


# ------------------------------------------------------------------------------ footers, disclaimers


def _drop_wdtk_footer(lines: list[str]) -> list[str]:
    """WhatDoTheyKnow's footer on outgoing mail, from its opening rule to its closing rule."""
    if not _WDTK_FOOTER.search("\n".join(lines).lower()):
        return lines
    for i, line in enumerate(lines):
        if not _WDTK_FOOTER.search(line.lower()):
            continue
        start = i
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and _SCORE.match(lines[j]):
            start = j
        end = None
        for k in range(i + 1, min(i + 30, len(lines))):
            if _SCORE.match(lines[k]):
                end = k
                break
            if _WDTK_FOOTER_END.search(lines[k].lower()):
                end = k
        if end is None:
            end = i
        return lines[:start] + _drop_wdtk_footer(lines[end + 1:])
    return lines


def _is_letter_line(line: str) -> bool:
    first = line.lstrip()[:1].lower()
    return first in _LETTER_START and bool(_SALUTATION.match(line) or _SIGN_OFF.match(line))


def _is_rule(line: str) -> bool:
    return line.lstrip()[:1] in _RULE_CHARS and bool(_SCORE.match(line))


def _drop_scored_disclaimers(lines: list[str]) -> list[str]:
    """A block that opens with a rule (8+ of the same character) and runs to the next rule, or
    to the end, is a disclaimer when it names one (Alaveteli's rule) and holds no letter."""
    scores = [i for i, line in enumerate(lines) if _is_rule(line)]
    if not scores:
        return lines
    drop: set[int] = set()
    k = 0
    while k < len(scores):
        start = scores[k]
        end = scores[k + 1] if k + 1 < len(scores) else len(lines) - 1
        block = lines[start + 1:end + 1] if k + 1 < len(scores) else lines[start + 1:]
        body = "\n".join(block)
        if _SCORED_KEYWORDS.search(body.lower()) and not any(_is_letter_line(line) for line in block):
            first = start
            j = start - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if j >= 0 and lines[j].strip().rstrip(":").lower() == "disclaimer":
                first = j
            drop.update(range(first, end + 1))
            k += 2
        else:
            k += 1
    return [line for i, line in enumerate(lines) if i not in drop]


def _drop_disclaimer_sentences(lines: list[str]) -> list[str]:
    """Unframed disclaimers ("If you are not the intended recipient ...", the virus-scan notice),
    sentence by sentence: with or without blank lines, only the disclaimer's sentences go, and
    the sentences next to them that speak of the e-mail, its recipient or viruses."""
    text = "\n".join(lines)
    lower = text.lower()
    if not any(word in lower for word in _DISCLAIMER_WORDS) or not _DISCLAIMER.search(" ".join(lower.split())):
        return lines
    spans = sentence_spans(text)
    sentences = [" ".join(lower[start:end].split()) for start, end in spans]
    marked = [bool(_DISCLAIMER.search(sentence)) for sentence in sentences]
    changed = True
    while changed:  # a run of disclaimer sentences grows through its neighbours
        changed = False
        for i, sentence in enumerate(sentences):
            if marked[i] or not _DISCLAIMER_CONTEXT.search(sentence):
                continue
            if (i > 0 and marked[i - 1]) or (i + 1 < len(marked) and marked[i + 1]):
                marked[i] = changed = True
    dropped = [span for span, drop in zip(spans, marked) if drop]
    out: list[str] = []
    position = 0
    for line in lines:
        start, end = position, position + len(line)
        position = end + 1
        kept, cursor = [], start
        for drop_start, drop_end in dropped:
            if drop_end <= cursor or drop_start >= end:
                continue
            kept.append(text[cursor:max(cursor, drop_start)])
            cursor = max(cursor, min(drop_end, end))
        kept.append(text[cursor:end])
        remains = "".join(kept)
        if remains.strip() or not line.strip():
            out.append(remains if remains.strip() else "")
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a letter, with or without blank lines between paragraphs.

    A sentence ends at ".", "!" or "?" before white space, at a blank line, and at the end of
    a line that is much shorter than the text's wrapped lines (a heading, a salutation, a
    sign-off, the last line of a paragraph whose blank line was lost) or that ends with ":"
    or ";" (what follows is a list or an answer)."""
    widths = sorted(len(line.rstrip()) for line in text.split("\n") if line.strip())
    wrap = widths[int(len(widths) * 0.9)] if widths else 0
    short = max(40, int(wrap * 0.75))
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        if match.group(0).startswith("\n") or "\n" in match.group(0) and not match.group(1):
            line_start = text.rfind("\n", 0, end) + 1
            blank = match.group(0).count("\n") > 1
            if not blank and wrap > short and end - line_start >= short and text[end - 1:end] not in ":;":
                continue  # a wrapped line: the sentence goes on
        if text[start:end].strip():
            spans.append((start, end + len(match.group(1) or "")))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _drop_link_lists(lines: list[str]) -> list[str]:
    """The "References / Visible links / 1. http://..." list an HTML-to-text conversion appends
    (a number and its link on one line or two)."""
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        stripped = lines[i].strip()
        j = i + 1 if stripped == "References" else i
        while j < n and j > i and not lines[j].strip():
            j += 1
        if j < n and lines[j].strip() in _LINK_HEADINGS:
            j += 1
            while j < n and (not lines[j].strip() or _LINK_LINE.match(lines[j]) or lines[j].strip() in _LINK_HEADINGS):
                j += 1
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out


def _tidy(lines: list[str]) -> str:
    tidy: list[str] = []
    blank = 0
    for line in lines:
        line = line.rstrip()
        if line:
            blank = 0
            tidy.append(line)
        else:
            blank += 1
            if blank <= 1:
                tidy.append("")
    while tidy and (not tidy[-1].strip() or _SCORE.match(tidy[-1])):
        tidy.pop()
    while tidy and not tidy[0].strip():
        tidy.pop(0)
    return "\n".join(tidy)


# ------------------------------------------------------------------------------ auto-replies

_DSN_TEXT = re.compile(
    r"created automatically by mail delivery software|could not be delivered|delivery has failed"
    r"|delivery to the following recipients? failed|undeliverable|mail delivery failed"
    r"|permanent error|address(?:\(es\)|es)? failed|delivery status notification|returned mail"
)
_DSN_SUBJECT = re.compile(
    r"mail delivery failed|undeliverable|undelivered mail|delivery status notification|returned mail"
    r"|delivery failure|failure notice",
    re.I,
)
_OOO_SUBJECT = re.compile(r"out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?reply|autoreply|^\s*auto:", re.I)
_OOO_TEXT = re.compile(
    r"\b(?:i am|i'm|i will be|i shall be|i'll be|i have been) (?:currently |now )?"
    r"(?:out of (?:the|my) office|on (?:annual |maternity |paternity |sick |study )?leave|away from (?:the|my) (?:office|desk))"
    r"|\bis (?:currently )?out of (?:the|the|his|her|their) office"
    r"|\bthis is an? (?:automatic|automated) (?:reply|response)\b|^\s*automatic reply\b"
    r"|\b(?:this|our|the) (?:inbox|mailbox) (?:is not|isn't|will not be|won't be) (?:being )?(?:monitored|checked|staffed)"
    r"|\b(?:will be|are being) picked up (?:when|on|after)|\buntil (?:our|my) return\b",
    re.M,
)
_DAEMON = re.compile(r"mailer-daemon|postmaster|mail delivery (?:system|subsystem)", re.I)


def is_auto_reply(headers: dict[str, str] | None, text: str) -> str | None:
    """Why a message was written by a machine (out of office, bounce), or None."""
    found = {key.lower(): str(value) for key, value in (headers or {}).items()}
    subject = found.get("subject", "")
    content_type = found.get("content-type", "").lower()
    if (
        "x-failed-recipients" in found
        or ("multipart/report" in content_type and "delivery-status" in content_type)
        or _DAEMON.search(found.get("from", ""))
        or _DSN_SUBJECT.search(subject)
    ):
        return BOUNCE
    auto = found.get("auto-submitted", "").strip()
    if auto and auto.lower() != "no":
        return f"header Auto-Submitted: {auto}"
    for name in ("x-autoreply", "x-autorespond", "x-auto-reply"):
        if name in found:
            return f"header {name.title()}"
    if found.get("precedence", "").strip().lower() == "auto_reply":
        return "header Precedence: auto_reply"
    if _OOO_SUBJECT.search(subject):
        return "out-of-office wording"
    head = (text or "")[:1500].lower()
    if _DSN_TEXT.search(head):
        return BOUNCE
    if any(word in head for word in ("office", "leave", "away from", "automat", "box", "picked up", "return")) and _OOO_TEXT.search(head):
        return "out-of-office wording"
    return None
