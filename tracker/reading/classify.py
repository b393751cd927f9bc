"""Read each message as an FOI officer would: its kind, the outcome of an answer, and why.

Rules, not a model: weighted phrase features per kind (docs/taxonomy.md), e-mail headers,
attachment names and the thread around the message (direction, position, what came before,
time since the request, the site's own ``calculated_state``). Every feature that counts is
reported in ``Message.reasons``, and the confidence comes from the margin between the best
two kinds, so a letter where nothing fits is ``other`` with a low confidence.

Before scoring, the reading text (``tracker.reading.hygiene``) loses what says nothing about this
letter: complaint-rights boilerplate ("if you are unhappy ... Information Commissioner ...
section 50"), passages in quotation marks and sentences that repeat the requester's own
earlier messages. Extraction (``tracker.reading.extract``) runs on the whole reading text; a citation
only counts as relied on in an answer (a response, a review response or an extension notice).

The phrases are data, in ``tracker.reading.phrases``; this module holds how they count, and
``tracker.reading.patterns`` how they are searched (a literal prefilter before the regex).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from scrapers.mailbox import looks_like_email, read_email
from tracker.reading import extract as extraction
from tracker.reading.extract import MONTH_NAMES, YEAR
from tracker.reading.patterns import Phrase
from tracker.reading.hygiene import (
    BOUNCE, MAX_CHARS, decode_letter, is_auto_reply, looks_binary, reading_text, sentence_spans,
)
from tracker.reading.phrases import INCOMING_PHRASES, OUTCOME_PHRASES, OUTGOING_PHRASES, REVIEW_PHRASES
from tracker.model import INCOMING, OUTGOING, Message, Thread
from tracker.model.taxonomy import (
    ANSWER_KINDS,
    DECIDED_STATES,
    INCOMING_KINDS,
    OUTGOING_KINDS,
    RELIED_ON_KINDS,
    STATE_OUTCOME,
)
from tracker.model.times import instant_or_none

__all__ = [
    "MessageContext",
    "classify_message",
    "classify_thread",
    "classify_text",
]

_MAX_REASONS = 12
_NOTHING_MORE = "nothing more specific"


@dataclass
class MessageContext:
    """What the thread tells about one message. ``previous_kinds`` is None when unknown."""

    previous_kinds: list[str] | None = None
    days_since_request: float | None = None
    minutes_since_previous: float | None = None  # since the last outgoing message
    site_state: str | None = None  # calculated_state of the site's event for this message
    event_type: str | None = None
    attachments: list[str] = field(default_factory=list)
    subject: str | None = None
    earlier_outgoing: list[str] = field(default_factory=list)  # reading texts, for echo removal


# ------------------------------------------------------------------------------ features


@dataclass(frozen=True)
class _Feature:
    kind: str
    weight: float
    pattern: Phrase


def _features(kind: str, weight: float, *patterns: str) -> list[_Feature]:
    return [_Feature(kind, weight, Phrase(p)) for p in patterns]


_INCOMING_FEATURES: list[_Feature] = [
    feature for kind, weight, *patterns in INCOMING_PHRASES for feature in _features(kind, weight, *patterns)
]
_OUTGOING_FEATURES: list[_Feature] = [
    feature for kind, weight, *patterns in OUTGOING_PHRASES for feature in _features(kind, weight, *patterns)
]
_OUTCOME_FEATURES: dict[str, list[Phrase]] = {
    signal: [Phrase(p) for p in patterns] for signal, patterns in OUTCOME_PHRASES.items()
}
_REVIEW_FEATURES: dict[str, Phrase] = {outcome: Phrase(p) for outcome, p in REVIEW_PHRASES.items()}
_HYPOTHETICAL_WORDS = ("whether", "if ", "ld have", "should be withheld", "unless", "where ", "may ", "such as")
_ICO_SENTENCE = re.compile(r"commissioner|\bico\b|decision notice|tribunal")
_HYPOTHETICAL = re.compile(
    r"considered whether|whether any|if (?:we|the council|the department)|would have|could have|should be withheld"
    r"|\bunless\b|\bwhere (?:the )?information is|may (?:be released|apply|be exempt|be withheld|be disclosed)|such as section"
)
_COMPLAINT_TOPIC = re.compile(
    r"internal review|information commissioner|\bico\b|section 50|regulation 18|right of appeal|complain|reconsideration"
    r"|review procedure|\bappeal\b|request (?:a|for a) review"
)
_COMPLAINT_WORDS = ("review", "commissioner", "ico", "section 50", "regulation 18", "appeal", "complain", "reconsideration")
_RIGHTS = re.compile(
    r"if you (?:are|remain|were|have|feel) |you (?:may|can|could|have the right|are entitled|will need|should)|should you|your right"
    r"|please (?:write|contact)|must be (?:made|submitted|received) within|within (?:40|forty) working days|within six (?:weeks|months)"
    r"|any request for (?:an )?internal review|further right"
)
_SENTENCES = re.compile(r"[.!?]\s+|\n\s*\n")
_QUOTED = re.compile(r"\"[^\"]{60,3000}\"|\u201c[^\u201d]{60,3000}\u201d")
_WORDS = re.compile(r"[a-z0-9']+")
_MEANINGFUL_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|csv|odt|ods|rtf|txt|zip|msg)$", re.I)
_ATTACHMENT_HINTS: list[tuple[re.Pattern[str], str, str | None, float]] = [
    (re.compile(r"not[ _-]?held", re.I), "response", "none_held", 4.0),
    (re.compile(r"some[ _-]?exempt|partial|redact", re.I), "response", "partial", 4.0),
    (re.compile(r"exempt|refus|withheld|vexatious", re.I), "response", "withheld", 3.5),
    (re.compile(r"all[ _-]?information|for[ _-]?release|disclos|release", re.I), "response", "released", 3.0),
    (re.compile(r"internal[ _-]?review|\bIR\b", re.I), "internal_review_response", None, 3.0),
    (re.compile(r"response|reply|answer|outcome|decision|letter|foi|eir", re.I), "response", None, 2.5),
]
_FEE_ATTACHMENT = re.compile(r"fee|invoice", re.I)
_FIGURE = re.compile(r"(?<![\w/.£-])£?\s?\d[\d,]*(?:\.\d+)?(?!\.?\d|[\w/-])")
_ANSWER_ATTACHED = re.compile(
    r"(?:find|see) (?:attached|enclosed)|(?:response|reply|answer|letter|decision) (?:is |are )?(?:attached|enclosed)"
    r"|(?:attached|enclosed) (?:is|are|please find)|i (?:attach|enclose)|we (?:attach|enclose)"
)
_ACT_NAMES = re.compile(r"(freedom of|environmental) information")  # "information" that is not given
_LINK_MARK = re.compile(r"\[\d+\]")
_MONTH = rf"(?:{MONTH_NAMES})"
_DATES = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}(?: \d{{4}})?|\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\b{_MONTH} \d{{4}}")
_ACCESSIBLE = re.compile(r"section 21\b|\bs\.? ?21\b|reasonably accessible|accessible (?:to (?:you|the applicant) )?by other means")
_ADVICE = re.compile(r"narrow|refine|advice and assistance|may be (?:of )?(?:useful|interest|helpful|help)|for further information|you may (?:wish|like) to")
_NOT_DATA = re.compile(
    r"working days|hours?\b|minutes\b|£450|£600|cost limit|appropriate limit|po box|licence|\bsi \d|tel\b|telephone|phone"
    r"|section \d|regulation \d|article \d|\bs\.? ?\d|reference|\bref\b|received on|dated|would (?:need|take|have|require)|estimate"
    r"|\bfoi\b|\beir\b|you (?:asked|requested|have asked|have made|have submitted|have sent)|your (?:request|e-?mail|letter) of"
)


# ------------------------------------------------------------------------------ text preparation


def _squash(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


@lru_cache(maxsize=256)
def _ngrams(text: str, n: int = 4) -> frozenset[tuple[str, ...]]:
    words = _WORDS.findall(text.lower())
    return frozenset(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def _scoring_text(reading: str, direction: str, earlier_outgoing: list[str]) -> str:
    """The reading text without complaint-rights boilerplate, quotations and echoes of the
    requester's own words (incoming letters only: a requester's letter is read whole)."""
    if direction != INCOMING:
        return _squash(reading)
    text = _QUOTED.sub(" ", reading) if ('"' in reading or "\u201c" in reading) else reading
    echo: set[tuple[str, ...]] = set()
    for earlier in earlier_outgoing:
        echo |= _ngrams(earlier)
    kept: list[str] = []
    for start, end in sentence_spans(text):
        lower = _squash(text[start:end])
        if not lower:
            continue
        if any(word in lower for word in _COMPLAINT_WORDS) and _COMPLAINT_TOPIC.search(lower) and _RIGHTS.search(lower):
            continue
        if echo:
            grams = _ngrams(lower)
            if len(grams) >= 3 and len(grams & echo) >= 0.6 * len(grams):
                continue
        kept.append(lower)
    return ". ".join(kept)


# ------------------------------------------------------------------------------ scoring


class _Scores:
    def __init__(self, kinds: tuple[str, ...]):
        self.score = {kind: 0.0 for kind in kinds}
        self.why: dict[str, list[str]] = {kind: [] for kind in kinds}

    def add(self, kind: str, weight: float, reason: str) -> None:
        if kind in self.score:
            self.score[kind] += weight
            if weight > 0 and reason not in self.why[kind]:
                self.why[kind].append(reason)

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.score.items(), key=lambda item: -item[1])


def _phrase(match: re.Match[str]) -> str:
    words = match.group(0).strip()
    return f'phrase "{words if len(words) <= 60 else words[:57] + "..."}"'


def _score_features(scores: _Scores, text: str, features: list[_Feature]) -> None:
    for feature in features:
        match = feature.pattern.search(text)
        if match:
            scores.add(feature.kind, feature.weight, _phrase(match))


def _after_review_request(previous: list[str]) -> bool:
    """An internal review was asked for and has not been answered yet."""
    for kind in reversed(previous):
        if kind == "internal_review_response":
            return False
        if kind == "internal_review_request":
            return True
    return False


def _answered(previous: list[str]) -> bool:
    return any(kind in ANSWER_KINDS for kind in previous)


def _score_incoming(scores: _Scores, text: str, reading: str, message: Message, context: MessageContext) -> None:
    headers = dict(message.headers)
    if context.subject and not any(k.lower() == "subject" for k in headers):
        headers["Subject"] = context.subject
    auto = is_auto_reply(headers, reading)
    if auto == BOUNCE:
        scores.add("auto_reply", 8.0, f"auto-reply: {auto}")
    elif auto and auto.startswith("header"):
        scores.add("auto_reply", 5.0, auto)
    elif auto:
        scores.add("auto_reply", 6.0, auto)
    _score_features(scores, text, _INCOMING_FEATURES)
    scores.add("other", 1.0, _NOTHING_MORE)

    for name in context.attachments:
        if not _MEANINGFUL_ATTACHMENT.search(name):
            continue
        for pattern, kind, _, weight in _ATTACHMENT_HINTS:
            if pattern.search(name):
                scores.add(kind, weight, f'attachment "{name}"')
                break
        else:
            scores.add("response", 0.75, f'attachment "{name}"')
        if _FEE_ATTACHMENT.search(name) and not re.search(r"refus", name, re.I):
            scores.add("fees_notice", 2.0, f'attachment "{name}"')

    previous = context.previous_kinds
    if previous is not None:
        incoming_before = [k for k in previous if k in INCOMING_KINDS and k not in ("auto_reply",)]
        days = context.days_since_request
        if not incoming_before and days is not None and days <= 7 and scores.score["acknowledgement"] > 0:
            scores.add("acknowledgement", 1.5, f"first incoming reply {days:.0f} days after request")
        if _after_review_request(previous):
            scores.add("internal_review_response", 2.0, "after internal_review_request")
        else:
            scores.add("internal_review_response", -3.0, "")
            if _answered(previous) and previous and previous[-1] == "follow_up":
                scores.add("other", 1.5, "reply to a follow-up after the request was answered")
                scores.add("response", -1.0, "")
        if previous and previous[-1] == "clarification_request":
            scores.add("clarification_request", -1.0, "")
    if context.minutes_since_previous is not None and context.minutes_since_previous < 10:
        scores.add("auto_reply", 1.0, f"{context.minutes_since_previous:.0f} minutes after the last message")
        scores.add("acknowledgement", 1.0, f"{context.minutes_since_previous:.0f} minutes after the last message")

    state = context.site_state
    if state:
        reason = f"json calculated_state={state}"
        if state == "waiting_response":
            for kind, weight in (("acknowledgement", 3.0), ("delay_notice", 1.5), ("extension_notice", 1.5),
                                 ("auto_reply", 1.5), ("fees_notice", 1.0), ("response", -2.0),
                                 ("internal_review_response", -2.0)):
                scores.add(kind, weight, reason)
        elif state == "waiting_clarification":
            scores.add("clarification_request", 4.0, reason)
        elif state in DECIDED_STATES:
            scores.add("response", 2.0, reason)
            scores.add("internal_review_response", 2.0, reason)
        elif state == "error_message":
            scores.add("auto_reply", 4.0, reason)
        elif state == "internal_review":
            scores.add("acknowledgement", 2.0, reason)
        elif state == "gone_postal":
            scores.add("other", 2.0, reason)


def _score_outgoing(scores: _Scores, text: str, context: MessageContext) -> None:
    _score_features(scores, text, _OUTGOING_FEATURES)
    scores.add("follow_up", 1.0, "an outgoing letter")
    subject = (context.subject or "").lower()
    if subject.startswith("internal review of"):
        scores.add("internal_review_request", 5.0, f'subject "{context.subject}"')
    previous = context.previous_kinds
    if previous is not None:
        if not any(k in OUTGOING_KINDS for k in previous):
            scores.add("request", 5.0, "first outgoing message")
        else:
            scores.add("request", -3.0, "")
            last = next((k for k in reversed(previous) if k != "auto_reply"), None)
            if last == "clarification_request":
                scores.add("clarification", 4.0, "answers a clarification request")
    elif scores.score["request"] > 0:
        scores.add("request", 1.0, "reads as a request")
    if context.event_type == "sent":
        scores.add("request", 5.0, "json event_type=sent")
    elif context.event_type == "followup_sent":
        scores.add("request", -3.0, "")
        if context.site_state == "internal_review":
            scores.add("internal_review_request", 5.0, "json calculated_state=internal_review")


# ------------------------------------------------------------------------------ outcomes


def _outcome_text(text: str, skip: re.Pattern[str] | None = None) -> str:
    """The sentences that state what happened (not what was considered), joined."""
    return ". ".join(s for s in _SENTENCES.split(text) if s and not _said_not_done(s, skip))


def _said_not_done(sentence: str, skip: re.Pattern[str] | None) -> bool:
    if any(word in sentence for word in _HYPOTHETICAL_WORDS) and _HYPOTHETICAL.search(sentence):
        return True
    return bool(skip and skip.search(sentence))


def _attachment_signal(name: str) -> tuple[str | None, float]:
    """What an attached file's name says of the answer: a document named for its contents is
    information given; "Response.pdf" or "EIR 995606.xlsx" says nothing."""
    if not _MEANINGFUL_ATTACHMENT.search(name):
        return None, 0.0
    for pattern, _, signal, weight in _ATTACHMENT_HINTS:
        if pattern.search(name):
            return (signal, weight / 2) if signal else (None, 0.0)
    return "released", 0.5


def _gives_figures(sentence: str) -> bool:
    """Whether a sentence gives figures (not dates, references, sections, the cost limit or an address)."""
    if _NOT_DATA.search(sentence):
        return False
    plain = _DATES.sub(" ", _LINK_MARK.sub(" ", sentence))
    return any(not YEAR.fullmatch(number.strip("£ ,")) for number in _FIGURE.findall(plain))


def _sentence_signals(sentence: str, features: dict[str, list[Phrase]] = _OUTCOME_FEATURES) -> set[str]:
    """What one sentence of an answer says: released, partial, refused_whole (the request),
    withheld, none_held, pointer (the information is published elsewhere), figures. A refusal because nothing is held is not
    held; an exemption for what is reasonably accessible (s.21) points to the information."""
    found = {signal for signal, patterns in features.items() if any(p.search(sentence) for p in patterns)}
    if "none_held" in found:
        found -= {"withheld", "refused_whole"}
    if ("withheld" in found or "pointer" in found) and _ACCESSIBLE.search(sentence):
        found = (found - {"withheld", "refused_whole"}) | {"released"}
    if _ADVICE.search(sentence):
        found -= {"released", "pointer"}
    if not found and " " in sentence and _gives_figures(sentence):
        found.add("figures")
    return found


def _response_outcome(text: str, context: MessageContext) -> tuple[str | None, list[str], float]:
    """The outcome of an answer, why, and how sure: what its sentences say was released,
    withheld, refused or not held, combined as per-question answers combine (all answered:
    successful; some withheld or not held: partially successful; none held: not held; all
    withheld or the whole request refused: refused). An answer whose words say nothing (a
    covering note for an attachment) has no outcome (None), at low confidence."""
    found = dict.fromkeys(("released", "pointer", "figures", "partial", "refused_whole", "withheld", "none_held"), 0.0)
    why: list[str] = []
    stated = _ACT_NAMES.sub(r"\1 info", _outcome_text(text))
    present = {signal: kept for signal, patterns in _OUTCOME_FEATURES.items()
               if (kept := [pattern for pattern in patterns if pattern.search(stated)])}  # no sentence has the rest
    for sentence in stated.split(". "):
        signals = _sentence_signals(sentence, present)
        for signal in (name for name in found if name in signals):  # in a fixed order, whatever the hash seed
            found[signal] += 1.0
            if len(why) < 8:
                words = sentence if len(sentence) <= 60 else sentence[:57] + "..."
                why.append(f'{signal.replace("_whole", " (the whole request)")}: "{words}"')
    for name in context.attachments:
        signal, weight = _attachment_signal(name)
        if signal:
            found[signal] += weight
            why.append(f'{signal}: attachment "{name}"')
    given = found["released"] + 0.5 * found["figures"] + 0.25 * found["pointer"]
    partial, not_held = found["partial"], found["none_held"]
    refused = found["withheld"] + found["refused_whole"]
    if partial:
        return "partially_successful", why, 0.95
    if found["refused_whole"] and given < 1.0 + 0.5 * (found["figures"] < 2):
        return "refused", why, 0.95 if not given else 0.7
    published = given + 0.25 * found["pointer"]  # what is published answers beside what is withheld
    if (refused and published >= 0.5) or (not_held and given >= 0.5):
        return "partially_successful", why, 0.95 if given >= 1.0 else 0.75
    if refused and not_held:
        return ("refused" if refused >= not_held else "not_held"), why, 0.7
    if refused:
        return "refused", why, 0.85
    if not_held:
        return "not_held", why, 0.9
    if given:
        return "successful", why, 0.9 if given >= 1.0 else 0.75
    state = context.site_state
    if state in STATE_OUTCOME:
        why.append(f"json calculated_state={state}")
        return STATE_OUTCOME[state], why, 0.75
    if any(_MEANINGFUL_ATTACHMENT.search(name) for name in context.attachments) or _ANSWER_ATTACHED.search(stated):
        why.append(UNKNOWN_OUTCOME)
        return None, why, 0.4
    why.append(ASSUMED_OUTCOME)
    return "successful", why, 0.6


def _review_outcome(text: str) -> tuple[str, list[str], float]:
    """A review's outcome, why, and how sure: wording of both ways is a partial overturn; no
    wording at all is taken as upholding, at low confidence."""
    hits: dict[str, str] = {}
    stated = _outcome_text(text, skip=_ICO_SENTENCE)
    for outcome, pattern in _REVIEW_FEATURES.items():
        match = pattern.search(stated)
        if match:
            hits[outcome] = _phrase(match)
    why = [f"{outcome}: {reason}" for outcome, reason in hits.items()]
    if "partially_overturned" in hits:
        return "partially_overturned", why, 0.85
    if "upheld" in hits and "overturned" in hits:
        return "partially_overturned", why, 0.6
    if "overturned" in hits:
        return "overturned", why, 0.8
    if "upheld" not in hits:
        why.append("no review outcome wording: a review is taken as upholding")
        return "upheld", why, 0.5
    return "upheld", why, 0.85


# ------------------------------------------------------------------------------ public API


def _confidence(ranked: list[tuple[str, float]]) -> float:
    """Softmax probability of the best kind: high when one kind clearly leads, low when none fires."""
    top = ranked[0][1]
    total = sum(math.exp(score - top) for _, score in ranked)
    return round(1.0 / total, 3)


def classify_message(message: Message, context: MessageContext | None = None, reading: str | None = None) -> str:
    """Set kind, outcome, confidence, reasons and the extraction fields of one message.

    Returns its reading text (so that a caller can pass it on as an earlier message)."""
    context = context or MessageContext()
    if reading is None:
        reading = reading_text(message.body_text or "")
    direction = message.direction if message.direction in (INCOMING, OUTGOING) else INCOMING
    text = _scoring_text(reading, direction, context.earlier_outgoing)
    scores = _Scores(INCOMING_KINDS if direction == INCOMING else OUTGOING_KINDS)
    if direction == INCOMING:
        _score_incoming(scores, text, reading, message, context)
    else:
        _score_outgoing(scores, text, context)

    ranked = scores.ranked()
    kind = ranked[0][0]
    previous = context.previous_kinds or []
    if kind == "response" and _after_review_request(previous):
        kind = "internal_review_response"
        scores.why[kind] = scores.why["response"] + scores.why[kind]
    message.kind = kind
    message.confidence = _confidence(ranked)

    reasons = list(scores.why[kind])
    if len(reasons) > 1 and _NOTHING_MORE in reasons:
        reasons.remove(_NOTHING_MORE)
    message.outcome = None
    if kind == "response":
        message.outcome, why, sure = _response_outcome(text, context)
        message.confidence = min(message.confidence, sure)
        reasons += [f"outcome {message.outcome or 'unknown'}: {w}" for w in why]
    elif kind == "internal_review_response":
        message.outcome, why, sure = _review_outcome(text)
        message.confidence = min(message.confidence, sure)
        reasons += [f"outcome {message.outcome}: {w}" for w in why]
    message.reasons = reasons[:_MAX_REASONS]

    extraction.apply(message, reading)
    if direction != INCOMING or kind not in RELIED_ON_KINDS:
        for citation in message.exemptions:
            citation.relied_on = False
    return reading



def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 86400)


ASSUMED_OUTCOME = "no outcome wording: an answer given in the body is taken as successful"
UNKNOWN_OUTCOME = "no outcome wording: the answer is in the attachment, its outcome unknown"


def _final_answer_from_site_label(thread: Thread) -> None:
    """The last answer's outcome, when its words say nothing, is what the requester labelled
    the thread on the site (its final state), as the .json's calculated_state is per message."""
    label = STATE_OUTCOME.get(thread.site_status or "")
    answers = [m for m in thread.messages if m.direction == INCOMING and m.kind in ANSWER_KINDS]
    if label is None or not answers:
        return
    last = answers[-1]
    unread = (ASSUMED_OUTCOME, UNKNOWN_OUTCOME)
    if last.kind == "response" and any(words in reason for reason in last.reasons for words in unread):
        last.reasons = [reason for reason in last.reasons if not any(words in reason for words in unread)]
        last.reasons.append(f"no outcome wording: the requester's label on the site is {thread.site_status}")
        last.outcome = label


_TAKEN_AS = (
    ("internal_review_request", re.compile(
        r"(?:your|the) (?:recent |further )?(?:request for (?:an? )?(?:internal )?review|(?:internal )?review request"
        r"|request (?:that|for) (?:we|the council) (?:review|reconsider)|complaint about (?:the|our) (?:handling|response))")),
    ("clarification", re.compile(
        r"thank you for (?:your|the) (?:recent )?clarification|(?:following|further to|in light of) your clarification"
        r"|you (?:have )?clarified|the clarification (?:you|that you) (?:sent|provided|gave)")),
)


def _as_the_authority_read_it(reading: str, earlier: list[Message], previous: list[str]) -> None:
    """The authority's reply tells what the requester's last letter was: "thank you for your
    request for an internal review" makes a chaser a review request, "thank you for your
    clarification" makes it a clarification. Only a follow-up since the last reply changes."""
    head = reading[:800].lower()
    for kind, said in _TAKEN_AS:
        match = said.search(head)
        if not match:
            continue
        for index in range(len(previous) - 1, -1, -1):
            if earlier[index].direction == INCOMING and previous[index] != "auto_reply":
                return
            if earlier[index].direction == OUTGOING:
                if previous[index] == "follow_up":
                    previous[index] = earlier[index].kind = kind
                    earlier[index].reasons = [f'the authority\'s reply calls it so: "{match.group(0)}"'] + earlier[index].reasons[:_MAX_REASONS - 1]
                return
        return


def classify_thread(thread: Thread) -> None:
    """Classify every message of a thread in order, each in the light of what came before."""
    messages = thread.messages
    request_at = next((instant_or_none(m.sent_at) for m in messages if m.direction == OUTGOING), None)
    if request_at is None and messages:
        request_at = instant_or_none(messages[0].sent_at)
    previous: list[str] = []
    earlier_outgoing: list[str] = []
    last_outgoing_at: datetime | None = None
    for message in messages:
        sent = instant_or_none(message.sent_at)
        minutes = _days(last_outgoing_at, sent)
        context = MessageContext(
            previous_kinds=list(previous),
            days_since_request=_days(request_at, sent),
            minutes_since_previous=None if minutes is None else minutes * 1440,
            site_state=message.site_state,
            event_type=message.event_type,
            attachments=[a.filename for a in message.attachments if a.filename],
            subject=message.subject,
            earlier_outgoing=earlier_outgoing,
        )
        reading = reading_text(message.body_text or "")
        if message.direction == INCOMING:
            _as_the_authority_read_it(reading, messages[:len(previous)], previous)
            context.previous_kinds = list(previous)
        classify_message(message, context, reading)
        previous.append(message.kind or "other")
        if message.direction == OUTGOING:
            earlier_outgoing.append(reading)
            last_outgoing_at = sent or last_outgoing_at
    _final_answer_from_site_label(thread)


def classify_text(
    text: str | bytes | None,
    headers: dict | None = None,
    direction: str = INCOMING,
    attachments: list[str] | None = None,
) -> Message:
    """One letter on its own (the ``classify`` command): a classified :class:`Message`.

    Never raises on bad input: binary content is read as an empty letter."""
    if isinstance(text, bytes):
        text = decode_letter(text)
    text = (text or "")[:MAX_CHARS]
    binary = looks_binary(text)
    headers = {str(k): str(v) for k, v in (headers or {}).items()}
    subject = next((v for k, v in headers.items() if k.lower() == "subject"), None)
    message = Message(id="letter", direction=direction, sent_at=None, subject=subject,
                      body_text="" if binary else text, headers=headers)
    classify_message(message, MessageContext(subject=subject, attachments=list(attachments or [])))
    if binary:
        message.reasons = ["not a letter: binary content"] + message.reasons
    return message


def classify_letter(content: bytes, name: str = "", direction: str = INCOMING) -> Message:
    """One letter as a file holds it (the ``classify`` command), named ``name``.

    An ``.eml`` file, or text that opens with a block of RFC 822 headers, is read as an e-mail:
    its headers (e.g. Auto-Submitted) and attachment names count. Anything else is plain text.
    """
    if name.lower().endswith((".eml", ".msg.txt")) or looks_like_email(content):
        mail = read_email(content)
        return classify_text(mail.body_text, mail.headers, direction, [file for file, _, _ in mail.attachments if file])
    return classify_text(content, None, direction)
