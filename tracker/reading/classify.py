"""Read each message as an FOI officer would: its kind, the outcome of an answer, and why.

Rules, not a model: weighted phrase features per kind (DESIGN.md's taxonomy), e-mail headers,
attachment names and the thread around the message (direction, position, what came before,
time since the request, the site's own ``calculated_state``). Every feature that counts is
reported in ``Message.reasons``, and the confidence comes from the margin between the best
two kinds, so a letter where nothing fits is ``other`` with a low confidence.

Before scoring, the reading text (``tracker.reading.hygiene``) loses what says nothing about this
letter: complaint-rights boilerplate ("if you are unhappy ... Information Commissioner ...
section 50"), passages in quotation marks and sentences that repeat the requester's own
earlier messages. Extraction (``tracker.reading.extract``) runs on the whole reading text; a citation
only counts as relied on in an answer (a response, a review response or an extension notice).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from re import _parser as sre_parse  # the regex parser: which literals a pattern cannot match without

from tracker.reading import extract as extraction
from tracker.reading.hygiene import BOUNCE, MAX_CHARS, decode_letter, is_auto_reply, looks_binary, reading_text
from tracker.model import INCOMING, OUTGOING, Message, Thread, instant
from tracker.model.taxonomy import (
    ANSWER_KINDS,
    DECIDED_STATES,
    INCOMING_KINDS,
    OUTGOING_KINDS,
    RELIED_ON_KINDS,
    STATE_OUTCOME,
)

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


_MIN_TRIGGER = 3
_ZERO_WIDTH = (sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT)


def _rank(literals: set[str]) -> tuple[int, int]:
    return min(len(x) for x in literals), -len(literals)


def _mandatory(items: list) -> list[set[str]]:
    """For each mandatory part of a parsed sequence, the literals one of which it contains."""
    sets: list[set[str]] = []
    run = ""
    for op, av in items:
        if op is sre_parse.LITERAL:
            run += chr(av)
            continue
        if run:
            sets.append({run})
            run = ""
        if op in _ZERO_WIDTH:
            continue
        inner: set[str] | None = None
        if op is sre_parse.SUBPATTERN:
            inner = _most_selective(list(av[3]))
        elif op is sre_parse.BRANCH:
            alternatives = [_most_selective(list(branch)) for branch in av[1]]
            inner = set().union(*alternatives) if all(alternatives) else None
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and av[0] >= 1:
            inner = _most_selective(list(av[2]))
        if inner:
            sets.append(inner)
    if run:
        sets.append({run})
    return [literals for literals in sets if min(len(x) for x in literals) >= _MIN_TRIGGER]


def _most_selective(items: list) -> set[str] | None:
    sets = _mandatory(items)
    return max(sets, key=_rank) if sets else None


def _trigger_sets(pattern: str) -> tuple[tuple[str, ...], ...]:
    """Groups of literals: a text can only match if it contains one literal of every group."""
    try:
        sets = _mandatory(list(sre_parse.parse(pattern)))
    except (re.error, RecursionError):
        return ()
    groups = []
    for literals in sets:
        kept: list[str] = []
        for literal in sorted(literals, key=len):  # "attach" makes "attached" redundant
            if not any(k in literal for k in kept):
                kept.append(literal)
        groups.append(tuple(kept))
    return tuple(sorted(groups, key=lambda group: -min(len(x) for x in group)))  # rarest first


def _top_level_branches(pattern: str) -> list[str]:
    """``"a|b(c|d)"`` -> ``["a", "b(c|d)"]``."""
    branches, depth, in_class, escaped, start = [], 0, False, False, 0
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    branches.append(pattern[start:])
    return branches


def _word_start(branch: str) -> str:
    """Phrases start at a word: "here is the" must not match inside "there is therefore"."""
    return branch if branch.startswith(("^", "\\b")) else r"(?<![a-z0-9'])" + branch


class _Pattern:
    """A pattern searched branch by branch, each branch only when the text holds the literals
    it needs: plain substring tests are far cheaper than the regex engine."""

    __slots__ = ("source", "parts")

    def __init__(self, pattern: str):
        self.source = pattern
        self.parts = [(re.compile(_word_start(branch)), _trigger_sets(branch)) for branch in _top_level_branches(pattern)]

    def search(self, text: str) -> re.Match[str] | None:
        for regex, groups in self.parts:
            for group in groups:  # plain loops: this runs thousands of times per thread
                for literal in group:
                    if literal in text:
                        break
                else:
                    break
            else:
                match = regex.search(text)
                if match:
                    return match
        return None


@dataclass(frozen=True)
class _Feature:
    kind: str
    weight: float
    pattern: _Pattern


def _features(kind: str, weight: float, *patterns: str) -> list[_Feature]:
    return [_Feature(kind, weight, _Pattern(p)) for p in patterns]


# Patterns run on lower-case text with runs of white space squashed to one space.
_INCOMING_FEATURES: list[_Feature] = [
    *_features(
        "acknowledgement", 3.0,
        r"(?:we|i) (?:have|has) (?:now )?received your (?:request|e-?mail|letter|correspondence|enquiry|message|application)",
        r"confirm (?:that )?(?:we|i) (?:have )?received|confirm(?:ing)? receipt|acknowledge (?:receipt|your (?:request|e-?mail|letter))"
        r"|this is an (?:automatic|automated) acknowledgement",
        r"thank you for your (?:request|e-?mail|letter)[^.]{0,60}(?:asking for|requesting|request for|requirement for) (?:an? )?(?:internal )?review",
        r"(?:will|shall|aim to|expect to|should|plan to) (?:\w+ ){0,4}?(?:respond|reply|receive (?:a|our|the) (?:full )?(?:response|reply)"
        r"|hear from us|let you have (?:a|the|our) (?:response|reply|outcome|decision)|send you (?:a|our) (?:full )?(?:response|reply)"
        r"|provide (?:you with )?(?:a|our|the) (?:full )?(?:response|reply|outcome)|be answered)[^.]{0,70}?"
        r"(?:within (?:20|twenty) working days|by \d|by (?:monday|tuesday|wednesday|thursday|friday)|no later than|in due course"
        r"|within (?:our|the) (?:published|statutory))",
        r"wedi derbyn eich (?:cais|neges|e-?bost|llythyr)",
        r"(?:request|e-?mail|letter|correspondence|application) (?:has|have) been (?:received|acknowledged)"
        r"|(?:allocated|assigned|given) (?:the |a )?(?:reference|case number|ref)",
        r"(?:a|our|the|your) (?:full )?(?:response|reply) will be (?:provided|sent|issued|given)[^.]{0,60}(?:within|by|no later than)",
    ),
    *_features(
        "acknowledgement", 2.5,
        r"(?:currently|now) process(?:ing)? your request|(?:i|we) (?:am|are) (?:currently )?dealing with your request"
        r"|(?:will|shall) deal with your request|(?:has|have) been (?:logged|registered)|(?:is|are|will be) being (?:dealt with|handled|processed|considered)",
        r"dealt with in line with the requirements|your (?:request|e-?mail|letter|correspondence) (?:will be|is being|has been) "
        r"(?:dealt with|handled|processed|considered|logged)",
        r"(?:review|reconsideration) will be (?:carried out|conducted|undertaken|completed)",
        r"(?:forwarded|passed) (?:it|your request|this) (?:on )?to the (?:relevant|appropriate)[^.]{0,40}(?:for (?:their|a) reply|to respond|to answer)",
    ),
    *_features(
        "acknowledgement", 1.5,
        r"(?:your|the) (?:request )?(?:reference|ref)(?: number)? is|given (?:the )?reference|quote (?:this|the|your) reference",
        r"we will contact you (?:as soon as possible )?if we need",
    ),
    *_features("acknowledgement", 0.75, r"thank you for (?:your|contacting)"),
    *_features("auto_reply", 4.0, r"^(?:automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office)\b"),
    *_features(
        "clarification_request", 4.0,
        r"(?:please|could you|can you|would you|will you)(?: please)? clarify|ask(?:ing)? (?:you )?(?:to|for) clarif|clarify your request"
        r"|(?:need|require|seek|request)(?:s|ing)? (?:some )?(?:further )?clarification|clarification (?:of|on|regarding|about) your request"
        r"|before (?:we|i) can (?:progress|proceed|process|deal with|start)|to help us (?:locate|identify|find)"
        r"|in order (?:that|for us to|to) (?:(?:i|we) )?(?:can )?(?:assist|locate|identify)",
        r"(?:can|could|would) you (?:please )?confirm (?:whether|which|what)|please (?:let us know|confirm|specify|tell us) (?:which|what|whether|the period)",
    ),
    *_features(
        "clarification_request", 3.0,
        r"section 1 ?\(3\)|not obliged to (?:deal with|comply with|process) (?:the|your|this) request until"
        r"|without this (?:extra |further |additional )?information|once (?:we|i) (?:hear from you|have your (?:reply|clarification)|receive your (?:reply|clarification))",
        r"(?:20 working day|time limit|clock|period)[^.]{0,60}(?:stop|paused|restart|begin again|start again|not start)",
    ),
    *_features(
        "fees_notice", 4.0,
        r"fees? notice|notice of (?:any |the )?fee",
        r"(?:fee|charge|cost|payment|invoice) (?:of|for) £|£ ?\d[\d,.]* (?:fee|charge)|(?:pay|payment of) (?:the|a|this) (?:fee|charge)"
        r"|disbursement|(?:reasonable|advance) (?:charge|payment)",
    ),
    *_features(
        "fees_notice", 2.0,
        r"section 9\b|section 13\b|regulation 8\b",
        r"cheque|payable to|bank transfer|by card|card payment",
        r"(?:until|once|before) (?:the )?(?:fee|payment) (?:has been |is )?(?:paid|received|made)|within three months of the date of this notice"
        r"|working days to make (?:the )?payment",
    ),
    *_features(
        "extension_notice", 4.0,
        r"public interest[^.]{0,140}(?:extend|extension|further time|additional time|more time)"
        r"|(?:extend|extension|further time|additional time|more time)[^.]{0,140}public interest",
        r"section 10 ?\(3\)|regulation 7\b|complex(?:ity)? and (?:the )?volum",
        r"(?:extend|extending|extended) (?:the )?(?:time|deadline|period|response time|date)|extension (?:of|to) the (?:deadline|time)"
        r"|(?:new|revised) deadline",
        r"qualified exemptions?[^.]{0,100}(?:extend|further time|more time)|(?:extend|further time|more time)[^.]{0,100}qualified exemption",
    ),
    *_features(
        "extension_notice", 3.0,
        r"expect to (?:provide|send) (?:our|a|the) (?:full )?response by",
        r"(?:up to|to) (?:40|forty) working days|(?:further|additional|another) (?:20|twenty) working days",
    ),
    *_features(
        "delay_notice", 3.0,
        r"apologi[sz]e (?:for|about) (?:the|this|any) delay|(?:sorry|apologies) (?:for|about) (?:the |this )?delay"
        r"|apologies for (?:the )?(?:late|delay)|(?:i am|i'm|we are|we're) sorry (?:that )?(?:you have not|we have not|we haven't|you haven't|for not)"
        r"|accept (?:our|my) apologies",
        r"(?:unable|not (?:been )?able) to (?:respond|reply|complete|provide a response|send a response)[^.]{0,60}(?:within|by) (?:the )?"
        r"(?:20|twenty|statutory|deadline|time)",
    ),
    *_features(
        "delay_notice", 2.5,
        r"(?:still|currently) (?:working on|processing|considering|gathering|collating) (?:your|the|this)",
        r"(?:hope|expect|aim|endeavour) to (?:send|provide|respond|reply|let you have)[^.]{0,60}(?:shortly|as soon as|in the (?:next|coming)|soon\b|within the next)"
        r"|will (?:come back|get back|revert) to you (?:as soon|shortly|when)"
        r"|will (?:send|provide|respond|reply)[^.]{0,40}as soon as (?:we can|possible|we are able)",
        r"taking longer than (?:expected|anticipated|planned|we hoped)|waiting for (?:information|input|a response|a reply) from",
    ),
    *_features(
        "response", 4.0,
        r"(?:find|see) (?:attached|enclosed|below)[^.]{0,60}(?:response|reply|information|answers?|documents?|copy|copies|letter|data|figures|report|minutes)"
        r"|(?:find|see) (?:the|a|our|my) [a-z ]{0,40}(?:attached|enclosed)",
        r"(?:i|we) (?:have )?(?:attach|attached|enclose|enclosed)[^.]{0,60}(?:response|reply|information|documents?|copy|copies|list|data|figures|report|minutes|policy|guidance|table)",
        r"(?:formal|full|our|my) (?:response|reply)(?: to your request)? (?:is )?(?:attached|enclosed)|attached (?:is|are) (?:our|my|the)|(?:a|the) reply is attached|response attached",
        r"(?:do|does|did) not hold|(?:is|was|are) not held|no (?:recorded )?information (?:is |was )?held|(?:hold|holds) no (?:recorded )?information"
        r"|do not have (?:it|this|the|any)|does not (?:electronically )?(?:collate|record|keep)|(?:unable|not able) to (?:locate|find) (?:the|any)",
        r"unable to provide (?:this|the|any|you with (?:this|the|any)) information",
        r"(?:not|no way am i|never) (?:going to )?(?:answer|answering) (?:that|this|your)|(?:will|shall|won't|cannot|can't) (?:not )?answer (?:that|this|your)",
    ),
    *_features(
        "response", 3.0,
        r"answers? (?:to your questions? )?(?:is|are)(?: set out)? (?:below|as follows|attached)|(?:set out|listed|provided) below"
        r"|(?:here is|here are) the|the figures are|in response to (?:part|question)|(?:our|my) response (?:is|to your request is)",
        r"\brefus(?:e|ed|ing)\b|refusal notice",
        r"not obliged to comply|neither confirm nor deny|manifestly unreasonable|\bvexatious\b|exceed(?:s|ed)? the (?:appropriate|cost) limit",
        r"exempt (?:from disclosure|under)|(?:withheld|withhold|withholding) (?:this|the|some|all|it|names)"
        r"|(?:withheld|redacted|removed) under (?:section|regulation|s\.|reg)",
        r"(?:is|are) (?:now )?available (?:via|at|on|from) (?:the )?(?:link|our website|website)|reasonably accessible",
        r"in a position to (?:provide|send|give) you (?:with )?(?:a|our|the) (?:full )?(?:response|reply|answer)",
    ),
    *_features(
        "response", 2.0,
        r"this concludes (?:our|my) response|(?:i|we) hope (?:this|the information) (?:is|has been|will be) (?:helpful|of (?:help|use|assistance))",
        r"(?:can|am able to|are able to|is able to) (?:confirm|provide)[^.]{0,40}(?:information|figures|data|details)",
        r"confirm that [^.]{0,60}(?:does|do) hold|(?:hold|holds) (?:some )?(?:information|documents|records) (?:relevant|within|falling|in scope)",
        r"(?:hold|holds) the following|the following information is held|in response to your (?:request|questions?),",
        r"(?:data|information|figures|spreadsheet|documents?|register|extract) (?:forwarded|supplied|provided|sent|enclosed|attached)\b"
        r"|(?:is|are) (?:set out )?below\b|(?:is|are) (?:attached|enclosed)\b",
        r"released in full|disclosed in full|(?:we|i) (?:have )?(?:decided|are able) to (?:release|disclose)",
        r"(?:not|never) (?:been )?(?:considered|treated|handled) (?:your correspondence |it |this )?(?:as|under) (?:a |the )?(?:freedom of information|foi|provisions of the act)",
    ),
    *_features(
        "internal_review_response", 4.0,
        r"(?:i|we) (?:have )?(?:now )?(?:completed|carried out|conducted|concluded|undertaken|finished) (?:the|an|my|your|our|this) (?:internal )?review",
        r"(?:outcome|result|findings|conclusion|decision) of (?:the|your|my|our|this) (?:internal )?review|internal review (?:response|outcome|decision|result)"
        r"|review (?:response|outcome|decision)\b",
        r"(?:uphold|upheld) (?:the|my|our|its) (?:original|initial)|partially uphold|confirm the original decision",
    ),
    *_features(
        "internal_review_response", 2.5,
        r"(?:was|were) not involved in the original|(?:following|after|as a result of) (?:the|an|my|our|this) (?:internal )?review,"
        r"|previously withheld",
        r"having (?:now )?(?:reviewed|considered|looked again)|(?:i|we) have (?:now )?(?:reviewed|looked again at)",
        r"\buphold\b|\bupheld\b|\boverturn|(?:original|initial|earlier) (?:decision|response|refusal|position)"
        r"|(?:correctly|properly|rightly|wrongly|incorrectly) (?:applied|withheld|refused|engaged)|substitute (?:a )?different decision",
    ),
    *_features("other", 3.0, r"dealt with as (?:standard|normal|general|ordinary|routine|business as usual) correspondence",
               r"(?:i|we) have (?:now )?concluded (?:my|our) investigation"),
    *_features("other", 2.5, r"postal address|by post\b|posted (?:to you|out)"),
    *_features("other", 3.0, r"(?:customer|satisfaction|short|quick|feedback) survey|tell us how we did|(?:rate|feedback on) (?:our|the) service"),
]

_OUTGOING_FEATURES: list[_Feature] = [
    *_features(
        "internal_review_request", 5.0,
        r"request an internal review|conducts? freedom of information reviews|(?:please|to) (?:carry out|conduct|undertake) an? (?:internal )?review"
        r"|internal review (?:of|request)|requirement for review|review (?:your|the|this) decision|reconsider (?:your|the|this) decision",
        r"(?:dissatisfied|not happy|unhappy|not satisfied|disappointed) with (?:the|your) (?:handling|response|decision|refusal|reply)",
    ),
    *_features(
        "withdrawal", 6.0,
        r"withdraw (?:my|this|the) (?:foi )?request|(?:cancel|close) (?:my|this|the) request|no longer (?:require|need|want|wish to pursue)"
        r"|(?:consider|treat) (?:this|my) request (?:as )?withdrawn|withdrawing (?:my|this)"
        r"|disregard (?:my|this|the) (?:foi )?request|(?:sent|submitted|made) (?:it|this|my request|this request) to the wrong",
    ),
    *_features(
        "clarification", 2.0,
        r"\bto clarify\b|by way of clarification|in answer to your (?:question|request for clarification)|my clarification"
        r"|(?:i|we) (?:am|are|was) (?:looking for|interested in|referring to)",
    ),
    *_features(
        "request", 1.5,
        r"under the freedom of information|under the environmental information|please (?:provide|send|supply|disclose)|i (?:would like to )?request"
        r"|could you (?:please )?(?:provide|send|tell me|let me know|supply)|(?:would|should) be grateful (?:if you could|for)",
    ),
    *_features(
        "follow_up", 1.0,
        r"still waiting|yet to receive|have not (?:yet )?(?:received|had|heard)|when (?:can|may|will) i expect|overdue|deadline[^.]{0,40}passed",
        r"thank you (?:very much )?for (?:the|your) (?:reply|response|information|figures|help)",
    ),
]

_OUTCOME_FEATURES: dict[str, list[_Pattern]] = {
    "released": [_Pattern(p) for p in (
        r"(?:find|see) (?:attached|enclosed|below)[^.]{0,60}(?:information|answers?|documents?|copy|copies|data|figures|report|minutes|list|policy"
        r"|guidance|extract|table|file|spreadsheet|csv|breakdown|numbers?)",
        r"(?:i|we) (?:have )?(?:attach|attached|enclose|enclosed|included|include)[^.]{0,60}(?:information|documents?|copy|copies|list|data|figures"
        r"|report|minutes|policy|guidance|table|extract|spreadsheet|file|csv|breakdown|numbers?)",
        r"answered in full|(?:is|are) answered (?:in|below)|(?:hold|holds) the following|the following information is held",
        r"the information (?:we hold|you (?:asked|requested))[^.]{0,20}(?:is|are) (?:attached|enclosed|below|provided)",
        r"answers? (?:to your questions? )?(?:is|are)(?: set out)? (?:below|as follows)|(?:set out|listed|provided) below|(?:here is|here are) the|the figures are"
        r"|the relevant extract is|(?:is|are) (?:now )?available (?:via|at|on|from) (?:the )?(?:link|our website|website)",
        r"(?:information|documents?|copy|copies|data|figures|report|list|minutes)[^.]{0,60}(?:is|are) (?:attached|enclosed)",
        r"released in full|disclosed in full|(?:decided|pleased|happy|am able|are able|is able|were able|was able) to (?:release|disclose|provide)",
    )],
    "partial": [_Pattern(p) for p in (
        r"some (?:of (?:the|this) )?information[^.]{0,40}(?:withheld|withholding|redacted|exempt|removed|not to disclose)"
        r"|(?:withheld|withhold|withholding|not to disclose) some|(?:has|have) been redacted|redacted (?:from|under|to remove|version)"
        r"|redactions? (?:has|have) been (?:made|applied)|the remainder|partially|in part\b"
        r"|(?:have|has) not (?:been )?(?:provided|given|included|disclosed|released)"
        r"|(?:withheld|withhold|withholding|removed) (?:the )?(?:names|personal|screen ?shots|contact details|costings)|except for|(?:removed|redacted) under",
    )],
    "refused": [_Pattern(p) for p in (
        r"\brefus(?:e|ed|ing)\b|refusal notice|withh[eo]ld[^.]{0,40}in full|withheld in full|(?:is|are) exempt|exempt (?:from disclosure|under)"
        r"|withheld under|withholding [^.]{0,40}under"
        r"|not obliged to comply|neither confirm nor deny|\bvexatious\b|manifestly unreasonable|exceed(?:s|ed)? the (?:appropriate|cost) limit"
        r"|(?:unable|not able) to (?:provide|disclose|release)|reasonably accessible|(?:not|never) (?:been )?(?:considered|treated) [^.]{0,30}under the provisions"
        r"|(?:not|no way am i|never) (?:going to )?(?:answer|answering) (?:that|this|your)",
    )],
    "not_held": [_Pattern(p) for p in (
        r"(?:do|does|did) not hold|(?:is|was|are) not held|no (?:recorded )?information (?:is |was )?held|(?:hold|holds) no (?:recorded )?information"
        r"|do not have (?:it|this|the|any)|does not (?:electronically )?(?:collate|record|keep)|(?:unable|not able) to (?:locate|find) (?:the|any)"
        r"|regulation 12 ?\(4\) ?\(a\)|there is no information held",
    )],
}
_REVIEW_FEATURES: dict[str, _Pattern] = {
    "partially_overturned": _Pattern(
        r"partially (?:uphold|upheld|overturn)|uphold (?:your complaint )?in part|partly upheld|upheld in part"
        r"|(?:some|two|three|several|part) (?:of (?:the|these) )?(?:information|material|documents|e-?mails|records)[^.]{0,40}(?:should|can|will) (?:now )?be (?:released|disclosed)"
        r"|additional information|further information (?:is|will be|has been) (?:released|provided|attached)|with (?:some )?modifications?(?! )|with modification"
    ),
    "upheld": _Pattern(
        r"uphold (?:the|my|our|its) (?:original )?(?:decision|response|refusal|position)|(?:decision|response|refusal|position)[^.]{0,60}(?:is|was|has been) upheld"
        r"|(?:correctly|properly|rightly|appropriately) (?:applied|withheld|refused|engaged|relied)|(?:satisfied|content) that|agree with the original"
        r"|maintain (?:the|our) (?:original )?(?:decision|position)|confirm (?:the|our) (?:original )?decision|not upheld|remains? withheld|without modification"
    ),
    "overturned": _Pattern(
        r"overturn|should (?:have been|now be|be) (?:disclosed|released|provided)|(?:was|is) (?:not correct|incorrect|wrong)|\bwrongly\b|was wrong"
        r"|(?:was|is) not engaged|(?:does|did) not apply|complaint (?:is|has been) (?:therefore )?upheld|substitute (?:a )?different decision|\breverse"
        r"|(?:decided|now able|are now able) to (?:release|disclose|provide)|previously withheld|no longer consider"
    ),
}
_HYPOTHETICAL_WORDS = ("whether", "if ", "ld have", "should be withheld")
_ICO_SENTENCE = re.compile(r"commissioner|\bico\b|decision notice|tribunal")
_HYPOTHETICAL = re.compile(r"considered whether|whether any|if (?:we|the council|the department)|would have|could have|should be withheld")
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
    (re.compile(r"not[ _-]?held", re.I), "response", "not_held", 4.0),
    (re.compile(r"some[ _-]?exempt|partial|redact", re.I), "response", "partial", 4.0),
    (re.compile(r"exempt|refus|withheld|vexatious", re.I), "response", "refused", 3.5),
    (re.compile(r"all[ _-]?information|for[ _-]?release|disclos|release", re.I), "response", "released", 3.0),
    (re.compile(r"internal[ _-]?review|\bIR\b", re.I), "internal_review_response", None, 3.0),
    (re.compile(r"response|reply|answer|outcome|decision|letter|foi|eir", re.I), "response", None, 2.5),
]
_FEE_ATTACHMENT = re.compile(r"fee|invoice", re.I)


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
    for sentence in _SENTENCES.split(text):
        lower = _squash(sentence)
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


def _response_outcome(text: str, context: MessageContext) -> tuple[str, list[str]]:
    found: dict[str, float] = {"released": 0.0, "partial": 0.0, "refused": 0.0, "not_held": 0.0}
    why: list[str] = []
    stated = _outcome_text(text)
    for signal, patterns in _OUTCOME_FEATURES.items():
        for pattern in patterns:
            match = pattern.search(stated)
            if match:
                found[signal] += 1.0
                why.append(f"{signal}: {_phrase(match)}")
    for name in context.attachments:
        for pattern, _, signal, weight in _ATTACHMENT_HINTS:
            if signal and pattern.search(name):
                found[signal] += weight / 2
                why.append(f'{signal}: attachment "{name}"')
                break
    state = context.site_state
    released, partial, refused, not_held = found["released"], found["partial"], found["refused"], found["not_held"]
    if partial:
        outcome = "partially_successful"
    elif released and (refused or not_held):
        outcome = "partially_successful"
    elif refused and not_held:
        outcome = "refused" if refused > not_held else "not_held"
    elif refused:
        outcome = "refused"
    elif not_held:
        outcome = "not_held"
    elif released:
        outcome = "successful"
    elif state in STATE_OUTCOME:
        outcome = STATE_OUTCOME[state]
        why.append(f"json calculated_state={state}")
    else:
        outcome = "successful"
        why.append(ASSUMED_OUTCOME)
    return outcome, why


def _review_outcome(text: str) -> tuple[str, list[str]]:
    hits: dict[str, str] = {}
    stated = _outcome_text(text, skip=_ICO_SENTENCE)
    for outcome, pattern in _REVIEW_FEATURES.items():
        match = pattern.search(stated)
        if match:
            hits[outcome] = _phrase(match)
    why = [f"{outcome}: {reason}" for outcome, reason in hits.items()]
    if "partially_overturned" in hits or ("upheld" in hits and "overturned" in hits):
        return "partially_overturned", why
    if "overturned" in hits:
        return "overturned", why
    if "upheld" not in hits:
        why.append("no review outcome wording: a review is taken as upholding")
    return "upheld", why


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
        message.outcome, why = _response_outcome(text, context)
        reasons += [f"outcome {message.outcome}: {w}" for w in why]
    elif kind == "internal_review_response":
        message.outcome, why = _review_outcome(text)
        reasons += [f"outcome {message.outcome}: {w}" for w in why]
    message.reasons = reasons[:_MAX_REASONS]

    extraction.apply(message, reading)
    if direction != INCOMING or kind not in RELIED_ON_KINDS:
        for citation in message.exemptions:
            citation.relied_on = False
    return reading


def _instant(value: str | None) -> datetime | None:
    """``model.instant``, or None for a missing or unreadable time (a letter may lack one)."""
    if not value:
        return None
    try:
        return instant(value)
    except ValueError:
        return None


def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 86400)


ASSUMED_OUTCOME = "no outcome wording: an answer is taken as successful"


def _final_answer_from_site_label(thread: Thread) -> None:
    """The last answer's outcome, when its words say nothing, is what the requester labelled
    the thread on the site (its final state), as the .json's calculated_state is per message."""
    label = STATE_OUTCOME.get(thread.site_status or "")
    answers = [m for m in thread.messages if m.direction == INCOMING and m.kind in ANSWER_KINDS]
    if label is None or not answers:
        return
    last = answers[-1]
    if last.kind == "response" and any(ASSUMED_OUTCOME in reason for reason in last.reasons):
        last.reasons = [reason for reason in last.reasons if ASSUMED_OUTCOME not in reason]
        last.reasons.append(f"no outcome wording: the requester's label on the site is {thread.site_status}")
        last.outcome = label


def classify_thread(thread: Thread) -> None:
    """Classify every message of a thread in order, each in the light of what came before."""
    messages = thread.messages
    request_at = next((_instant(m.sent_at) for m in messages if m.direction == OUTGOING), None)
    if request_at is None and messages:
        request_at = _instant(messages[0].sent_at)
    previous: list[str] = []
    earlier_outgoing: list[str] = []
    last_outgoing_at: datetime | None = None
    for message in messages:
        sent = _instant(message.sent_at)
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
        reading = classify_message(message, context)
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
