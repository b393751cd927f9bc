"""The phrases the classifier looks for in a letter, with what each one says about it.

Data for ``tracker.reading.classify``, which holds the logic: how the phrases are searched (a
literal prefilter before the regex), how they add up and what wins. Patterns are regular
expressions run on lower-case text with runs of white space squashed to one space; each
alternative at the top level must start at a word.

- ``INCOMING_PHRASES`` and ``OUTGOING_PHRASES``: entries of a kind, a weight and the patterns
  that add that weight to the kind (once each, the phrase found given as a reason).
- ``OUTCOME_PHRASES``: for a response, what one sentence can say: information released, a
  pointer to where it is published, released in part, the whole request refused, something
  withheld, or nothing held (``tracker.reading.classify`` combines the sentences' signals).
- ``REVIEW_PHRASES``: for an internal review response, the pattern of each review outcome.
"""

from __future__ import annotations

Phrases = tuple[str, float, *tuple[str, ...]]  # a kind, a weight, then its patterns

INCOMING_PHRASES: list[Phrases] = [
    (
        "acknowledgement", 3.0,
        r"(?:we|i) (?:have|has) (?:now )?received your (?:request|e-?mail|letter|correspondence|enquiry|message|application)",
        r"confirm (?:that )?(?:we|i) (?:have )?received|confirm(?:ing)? receipt|acknowledge (?:receipt|your (?:request|e-?mail|letter))"
        r"|this is an (?:automatic|automated) acknowledgement",
        r"thank you for your (?:\w+ )?(?:request|e-?mail|letter)[^.]{0,60}(?:asking for|requesting|request for|requirement for) (?:an? )?(?:internal )?review",
        r"(?:will|shall|aim to|expect to|should|plan to|must) (?:\w+ ){0,4}?(?:respond|reply|receive (?:a|our|the) (?:full )?(?:response|reply)"
        r"|hear from us|let you have (?:a|the|our) (?:response|reply|outcome|decision)|send you (?:a|our) (?:full )?(?:response|reply)"
        r"|provide (?:you with )?(?:a|our|the) (?:full )?(?:response|reply|outcome)|be answered)[^.]{0,70}?"
        r"(?:within (?:20|twenty) working days|by \d|by (?:monday|tuesday|wednesday|thursday|friday)|no later than|in due course"
        r"|within (?:our|the) (?:published|statutory))",
        r"wedi derbyn eich (?:cais|neges|e-?bost|llythyr)",
        r"(?:request|e-?mail|letter|correspondence|application) (?:has|have) been (?:received|acknowledged)"
        r"|(?:allocated|assigned|given) (?:the |a )?(?:reference|case number|ref)",
        r"(?:a|our|the|your) (?:full )?(?:response|reply) will be (?:provided|sent|issued|given)[^.]{0,60}(?:within|by|no later than)",
    ),
    (
        "acknowledgement", 2.5,
        r"(?:currently|now) process(?:ing)? your request|(?:i|we) (?:am|are) (?:currently )?dealing with your request"
        r"|(?:will|shall) deal with your request|(?:has|have) (?:now )?been (?:logged|registered)|(?:is|are|will be) being (?:dealt with|handled|processed|considered)",
        r"dealt with in line with the requirements|your (?:request|e-?mail|letter|correspondence) (?:will be|is being|has been) "
        r"(?:dealt with|handled|processed|considered|logged)",
        r"(?:review|reconsideration) will be (?:carried out|conducted|undertaken|completed)",
        r"(?:forwarded|passed) (?:it|your request|this) (?:on )?to the (?:relevant|appropriate)[^.]{0,40}(?:for (?:their|a) reply|to respond|to answer)",
    ),
    (
        "acknowledgement", 1.5,
        r"(?:your|the) (?:request )?(?:reference|ref)(?: number)? is|given (?:the )?reference|quote (?:this|the|your) reference",
        r"we will contact you (?:as soon as possible )?if we need",
        r"within (?:20|twenty) working days,? (?:by|on or before) \d",
    ),
    ("acknowledgement", 0.75, r"thank you for (?:your|contacting)"),
    ("delay_notice", 1.5, r"thank you for your (?:patience|understanding)"),
    ("auto_reply", 4.0, r"^(?:automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office)\b"),
    (
        "clarification_request", 5.0,
        r"(?:please|could you|can you|would you|will you)(?: please)? clarify|ask(?:ing)? (?:you )?(?:to|for) clarif|clarify your request"
        r"|(?:need|require|seek|request)(?:s|ing)? (?:some )?(?:further )?clarification|clarification (?:of|on|regarding|about) your request"
        r"|before (?:we|i) can (?:\w+ ){0,2}?(?:progress|proceed|process|deal with|start|respond)|(?:would like|need|want) to clarify|to help us (?:locate|identify|find)"
        r"|in order (?:that|for us to|to) (?:(?:i|we) )?(?:can )?(?:assist|locate|identify)",
        r"(?:can|could|would) you (?:please )?confirm (?:whether|which|what)|please (?:let us know|confirm|specify|tell us) (?:which|what|whether|the period)",
        r"(?:cannot|can't|unable to|not able to) (?:process|progress|proceed with|deal with|handle) (?:your|this|the) requests?"
        r"|(?:let us know|provide|confirm|send us) (?:your|the requester's) (?:full |real )?name|to enable us to (?:process|progress|locate|identify|deal with)"
        r"|(?:do you|if you) still (?:want|wish|require|need)|(?:please|could you) (?:narrow|refine)"
        r"|in order to (?:progress|process|proceed with|deal with) (?:your|this) request"
        r"|(?:require|need) (?:some )?(?:further|more|additional) (?:details|information) (?:from you|before (?:we|i)|in order)",
    ),
    (
        "clarification_request", 3.0,
        r"section 1 ?\(3\)|not obliged to (?:deal with|comply with|process) (?:the|your|this) request until"
        r"|without this (?:extra |further |additional )?information|once (?:we|i) (?:hear from you|have (?:your|received your) (?:reply|clarification)|receive your (?:reply|clarification))",
        r"(?:20 working day|time limit|clock|period)[^.]{0,60}(?:stop|paused|restart|begin again|start again|not start)",
        r"(?:20 working days?|time limit|clock|period)[^.]{0,80}(?:after|once|when|until) (?:we|you) (?:receive|have received|provide)[^.]{0,30}clarification"
        r"|(?:provide|send) (?:your|the|this|us with|us your) clarification|clarification is not received|do not include any time spent clarifying",
    ),
    (
        "fees_notice", 4.0,
        r"fees? notice|notice of (?:any |the )?fee",
        r"(?:fee|charge|cost|payment|invoice) (?:of|for) £|£ ?\d[\d,.]* (?:fee|charge)|(?:pay|payment of) (?:the|a|this) (?:fee|charge)"
        r"|disbursement|(?:reasonable|advance) (?:charge|payment)",
    ),
    (
        "fees_notice", 2.0,
        r"section 9\b|section 13\b|regulation 8\b",
        r"cheque|payable to|bank transfer|by card|card payment",
        r"(?:until|once|before) (?:the )?(?:fee|payment) (?:has been |is )?(?:paid|received|made)|within three months of the date of this notice"
        r"|working days to make (?:the )?payment",
    ),
    (
        "extension_notice", 4.0,
        r"public interest[^.]{0,140}(?:extend|extension|further time|additional time|more time)"
        r"|(?:extend|extension|further time|additional time|more time)[^.]{0,140}public interest",
        r"section 10 ?\(3\)|regulation 7\b|complex(?:ity)? and (?:the )?volum",
        r"(?:extend|extending|extended) (?:the )?(?:time|deadline|period|response time|date)|extension (?:of|to) the (?:deadline|time)"
        r"|(?:new|revised) deadline",
        r"qualified exemptions?[^.]{0,100}(?:extend|further time|more time)|(?:extend|further time|more time)[^.]{0,100}qualified exemption",
    ),
    (
        "extension_notice", 3.0,
        r"expect to (?:provide|send) (?:our|a|the) (?:full )?response by",
        r"(?:up to|to) (?:40|forty) working days|(?:further|additional|another) (?:20|twenty) working days",
    ),
    (
        "delay_notice", 3.0,
        r"apologi[sz]e (?:for|about) (?:the|this|any) delay|(?:sorry|apologies) (?:for|about) (?:the |this )?delay"
        r"|(?:apologies|apologise|apologize|sorry) for (?:the |our |this |any )?(?:late|delay)|(?:i am|i'm|we are|we're) sorry (?:that )?(?:you have not|we have not|we haven't|you haven't|for not)"
        r"|accept (?:our|my) apologies",
        r"(?:unable|not (?:been )?able) to (?:respond|reply|complete|provide a response|send a response)[^.]{0,60}(?:within|by) (?:the )?"
        r"(?:20|twenty|statutory|deadline|time)",
    ),
    (
        "delay_notice", 2.5,
        r"(?:still|currently|actively) (?:working on|processing|considering|gathering|collating) (?:your|the|this)",
        r"(?:aim|aiming|hope|hoping|expect|expecting|plan|planning) to (?:complete|get it to you|send|provide|respond|reply|finish|let you have)"
        r"[^.]{0,60}(?:on|by) (?:\d|monday|tuesday|wednesday|thursday|friday|the end)"
        r"|(?:grant|give|allow) us (?:another|a further|an extra|more|some more) (?:\d+ |twenty-four )?(?:hours|days|time|week)"
        r"|(?:we'll|we will|will) be (?:responding|replying|in touch)[^.]{0,40}(?:as soon as|this (?:afternoon|morning|week)|shortly|today|tomorrow)",
        r"(?:hope|expect|aim|endeavour) to (?:send|provide|respond|reply|let you have)[^.]{0,60}(?:shortly|as soon as|in the (?:next|coming)|soon\b|within the next)"
        r"|will (?:come back|get back|revert) to you (?:as soon|shortly|when)"
        r"|will (?:send|provide|respond|reply)[^.]{0,40}as soon as (?:we can|possible|we are able)",
        r"taking longer than (?:expected|anticipated|planned|we hoped)|waiting for (?:information|input|a response|a reply) from",
        r"(?:missing|missed|not meeting|not met|failing to meet|failed to meet|not meet) (?:the|our|today's|this) (?:[\w']+ )?deadline|(?:a |with a )?further update (?:on|by|within|in)",
    ),
    (
        "response", 4.0,
        r"(?:find|see) (?:attached|enclosed|below)[^.]{0,60}(?:response|reply|information|answers?|documents?|copy|copies|letter|data|figures|report|minutes)"
        r"|(?:find|see) (?:the|a|our|my) [a-z ]{0,40}(?:attached|enclosed)",
        r"(?:i|we) (?:have )?(?:attach|attached|enclose|enclosed)[^.]{0,60}(?:response|reply|information|documents?|copy|copies|list|data|figures|report|minutes|policy|guidance|table)",
        r"please find (?:below,? )?(?:our|my|the|a|[a-z' ]{0,40}'s) (?:full |formal )?(?:response|reply|answer)",
        r"(?:formal|full|our|my) (?:response|reply)(?: to your request)? (?:is )?(?:attached|enclosed)|attached (?:is|are) (?:our|my|the)|(?:a|the) reply is attached|response attached",
        r"(?:do|does|did) not hold|(?:is|was|are) not held|no (?:recorded )?information (?:is |was )?held|(?:hold|holds) no (?:recorded )?information"
        r"|do not have (?:it|this|the|any)|does not (?:electronically )?(?:collate|record|keep)|(?:unable|not able) to (?:locate|find) (?:the|any)",
        r"unable to provide (?:this|the|any|you with (?:this|the|any)) information",
        r"(?:not|no way am i|never) (?:going to )?(?:answer|answering) (?:that|this|your)|(?:will|shall|won't|cannot|can't) (?:not )?answer (?:that|this|your)",
    ),
    (
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
    (
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
    (
        "internal_review_response", 4.0,
        r"(?:i|we) (?:have )?(?:now )?(?:completed|carried out|conducted|concluded|undertaken|finished) (?:the|an|my|your|our|this) (?:internal )?review",
        r"(?:outcome|result|findings|conclusion|decision) of (?:the|your|my|our|this) (?:internal )?review|internal review (?:response|outcome|decision|result)"
        r"|review (?:response|outcome|decision)\b",
        r"(?:uphold|upheld) (?:the|my|our|its) (?:original|initial)|partially uphold|confirm the original decision",
        r"(?:responding|response|reply|replying) to your (?:request for an? (?:internal )?review|(?:internal )?review request|complaint)"
        r"|(?:write|writing) (?:in connection with|regarding|about|in response to|further to|following) your (?:request for an? (?:internal )?review"
        r"|(?:internal )?review request)"
        r"|(?:i|we) (?:have )?(?:decided to )?(?:uphold|not uphold|partially uphold|partly uphold|accept) (?:your|the) (?:complaint|appeal)"
        r"|not upholding (?:your|the) (?:complaint|appeal)|(?:are|am) not changing (?:our|my|the) (?:original )?(?:response|decision)",
    ),
    (
        "internal_review_response", 2.5,
        r"(?:was|were) not involved in the original|(?:following|after|as a result of) (?:the|an|my|our|this) (?:internal )?review,"
        r"|previously withheld",
        r"having (?:now )?(?:reviewed|considered|looked again)|(?:i|we) have (?:now )?(?:reviewed|looked again at)",
        r"\buphold\b|\bupheld\b|\boverturn|(?:original|initial|earlier) (?:decision|response|refusal|position)"
        r"|(?:correctly|properly|rightly|wrongly|incorrectly) (?:applied|withheld|refused|engaged)|substitute (?:a )?different decision",
    ),
    ("other", 3.0, r"dealt with as (?:standard|normal|general|ordinary|routine|business as usual) correspondence",
     r"(?:i|we) have (?:now )?concluded (?:my|our) investigation"),
    ("other", 2.5, r"postal address|by post\b|posted (?:to you|out)"),
    ("other", 3.5, r"(?:transferred|forwarded|passed|redirected) (?:your request|it|your e-?mail|your correspondence|this request) (?:on )?to [^.]{0,60}"
                   r"(?:who|which) (?:will|should|can) (?:respond|reply|deal|answer)|(?:has|have) been transferred to"),
    ("other", 3.0, r"(?:customer|satisfaction|short|quick|feedback) survey|tell us how we did|(?:rate|feedback on) (?:our|the) service"),
]

OUTGOING_PHRASES: list[Phrases] = [
    (
        "internal_review_request", 5.0,
        r"request an internal review|conducts? freedom of information reviews|(?:please|to) (?:carry out|conduct|undertake) an? (?:internal )?review"
        r"|internal review (?:of|request)|requirement for review|review (?:your|the|this) decision|reconsider (?:your|the|this) decision",
        r"(?:dissatisfied|not happy|unhappy|not satisfied|disappointed) with (?:the|your) (?:handling|response|decision|refusal|reply)",
    ),
    (
        "withdrawal", 6.0,
        r"withdraw (?:my|this|the) (?:foi )?request|(?:cancel|close) (?:my|this|the) request|no longer (?:require|need|want|wish to pursue)"
        r"|(?:consider|treat) (?:this|my) request (?:as )?withdrawn|withdrawing (?:my|this)"
        r"|disregard (?:my|this|the) (?:foi )?request|(?:sent|submitted|made) (?:it|this|my request|this request) to the wrong",
    ),
    (
        "clarification", 2.0,
        r"\bto clarify\b|by way of clarification|in answer to your (?:question|request for clarification)|my clarification"
        r"|(?:i|we) (?:am|are|was) (?:looking for|interested in|referring to)",
    ),
    (
        "request", 1.5,
        r"under the freedom of information|under the environmental information|please (?:provide|send|supply|disclose)|i (?:would like to )?request"
        r"|could you (?:please )?(?:provide|send|tell me|let me know|supply)|(?:would|should) be grateful (?:if you could|for)",
    ),
    (
        "follow_up", 1.0,
        r"still waiting|yet to receive|have not (?:yet )?(?:received|had|heard)|when (?:can|may|will) i expect|overdue|deadline[^.]{0,40}passed",
        r"thank you (?:very much )?for (?:the|your) (?:reply|response|information|figures|help)",
    ),
]

OUTCOME_PHRASES: dict[str, tuple[str, ...]] = {
    # Information given: attached, enclosed, below, or where it is published. Framing alone
    # ("our response is set out below") says nothing of what the answer holds.
    "released": (
        r"(?:find|see) (?:attached|enclosed|below)[^.]{0,60}(?:information|answers?|documents?|copy|copies|data|figures|report|minutes|list|policy"
        r"|guidance|extract|table|file|spreadsheet|csv|breakdown|numbers?)",
        r"(?:i|we) (?:have |are )?(?:attach|attached|attaching|enclose|enclosed|enclosing|included|include|including|provided|providing)"
        r"[^.]{0,60}(?:information|documents?|copy|copies|list|data|figures|report|minutes|policy|guidance|table|extract|spreadsheet|file|csv"
        r"|breakdown|numbers?)",
        r"answered in full|(?:is|are) answered (?:in|below)|(?:hold|holds) the following|the following information is held",
        r"the information (?:we hold|you (?:asked|requested))[^.]{0,20}(?:is|are) (?:attached|enclosed|below|provided)",
        r"(?:here is|here are) the|the figures are|the relevant extract is|the following (?:information|figures|table|data) (?:sets? out|shows?|gives?)",
        r"(?:information|documents?|copy|copies|data|figures|report|list|minutes)[^.]{0,60}(?:is|are) (?:attached|enclosed)",
        r"released in full|disclosed in full|(?:decided|pleased|happy|am able|are able|is able|were able|was able) to (?:release|disclose|provide)",
        r"(?:can|are able to) confirm (?:that )?(?:in|there (?:were|are|have been)|the (?:number|total|figure))",
    ),
    # Where the information is published: it answers that part (s.21), or points elsewhere.
    "pointer": (
        r"(?:is|are|can be) (?:now )?(?:found|available|accessed|viewed|published) (?:via|at|on|from|in|by using|using) (?:the |our )?"
        r"(?:following )?(?:link|website|web ?page|page|url|open data)|(?:can be|is|are) found (?:here|at the link)"
        r"|(?:published|available)[^.]{0,40} (?:on|at|via|from) (?:the |our )?(?:following )?(?:link|website|web ?page|page|url)"
        r"|(?:we|the council|the department|the trust|the force|the university) (?:already )?publish(?:es)? (?:the|this|these|its|our|some)",
    ),
    "partial": (
        r"some (?:of (?:the|this) )?information[^.]{0,40}(?:withheld|withholding|redacted|exempt|removed|not to disclose)"
        r"|(?:withheld|withhold|withholding|not to disclose) some|(?:has|have) been redacted|redacted (?:from|under|to remove|version)"
        r"|redactions? (?:has|have) been (?:made|applied)|the remainder|partially"
        r"|(?:released|disclosed|provided|answered|granted|supplied|withheld|refused) in part\b|in part (?:released|disclosed|withheld)"
        r"|(?:withheld|withhold|withholding|removed) (?:the )?(?:names|personal|screen ?shots|contact details|costings)|except for|(?:removed|redacted) under"
        r"|(?:releasing|disclosing|providing|enclosing) [^.]{0,80}with (?:some )?redactions",
    ),
    # Applied to the whole request: nothing is given.
    "refused_whole": (
        r"(?:the|all the|all of the) information (?:that )?you (?:have )?(?:requested|asked for|are seeking|seek) is (?:being )?(?:exempt|withheld|refused)"
        r"|(?:refus(?:e|ing)|decline|declining) (?:to (?:process|comply with|answer|deal with) )?(?:your|this|the) (?:foi |eir )?request"
        r"|not obliged to comply|neither confirm(?:s|ing)? nor den(?:y|ies|ying)|\bvexatious\b|manifestly unreasonable"
        r"|(?:exceed|exceeds|exceeded|in excess of) the (?:appropriate |cost |costs )?limit|more than the (?:appropriate |cost )?limit"
        r"|exceed (?:the )?(?:cost|costs) of compliance"
        r"|impossible to (?:answer|comply|provide)|(?:cannot|can't|unable to) (?:answer|comply with) (?:this|your|the) request"
        r"|(?:this|the) (?:letter|e-?mail|response) (?:acts as|serves as|represents|constitutes|is) (?:a |our |the )?(?:formal )?refusal notice",
    ),
    "withheld": (
        r"\brefus(?:e|ed|ing)\b|refusal notice|withh[eo]ld[^.]{0,40}in full|withheld in full|(?:is|are) exempt|exempt (?:from disclosure|under)"
        r"|withheld under|withholding [^.]{0,160}under (?:section|regulation|s\.|reg)"
        r"|(?:unable|not able) to (?:disclose|release)|(?:not|never) (?:been )?(?:considered|treated) [^.]{0,30}under the provisions"
        r"|(?:not|no way am i|never) (?:going to )?(?:answer|answering) (?:that|this|your)"
        r"|(?:take|takes|taking|require|requires) (?:us )?(?:more than|over|in excess of|at least) (?:the )?\d+ hours",
    ),
    "none_held": (
        r"(?:do|does|did) not (?:hold|possess)|(?:don't|doesn't|didn't) (?:hold|possess|record|collect|keep)|(?:is|was|are|were) not held"
        r"|no (?:recorded )?information (?:is |was )?held|(?:hold|holds) no (?:recorded )?information|there is no information held"
        r"|(?:do|does) not have (?:this|that|the|any|such|a|an) (?:[\w-]+ ){0,2}(?:information|data|records?|details|figures|documents?"
        r"|reports?|breakdown|list|figure|register|minutes|copy|copies)\b|(?:do|does) not have (?:it|this|that)\b(?! \w)"
        r"|(?:do|does|did) not (?:electronically )?(?:collate|record|collect|keep|capture|retain)"
        r" (?:this|that|the|any|such|information|data|details|records)|(?:unable|not able) to (?:locate|find) (?:the|any)"
        r"|regulation 12 ?\(4\) ?\(a\)|(?:section|s\.?) ?1 ?\(1\) ?\(a\)[^.]{0,40}not"
        r"|there (?:is|are|were|was) no (?:\w+ ){0,2}(?:records?|information|documents?|data|reports?|minutes|correspondence)"
        r"|no (?:\w+ ){0,3}(?:has|have|was|were) (?:been )?(?:made|carried out|produced|undertaken|created|recorded|held|kept|commissioned|retained)"
        r"|(?:has|have|had|was|were) not (?:been )?(?:recorded|retained|kept)|(?:wasn't|weren't|hasn't been) (?:recorded|retained|kept)"
        r"|(?:were|was|have been|has been) (?:\w+ ){0,3}(?:disposed of|destroyed|deleted)\b"
        r"|(?:is|are) (?:only )?held by (?:another|a different|other|a separate|an external|the relevant|(?:the )?(?:local |national )?[\w-]+ "
        r"(?:authorit(?:y|ies)|agenc(?:y|ies)|bod(?:y|ies)|organisations?|compan(?:y|ies)|providers?|suppliers?|contractors?))"
        r"|(?:would need to be|should be|can be|must be) (?:sought|requested|obtained|directed) (?:directly )?from|(?:not|isn't) (?:information|something|data) (?:that )?(?:we|the council) (?:hold|record|collect|keep)",
    ),
}
REVIEW_PHRASES: dict[str, str] = {
    "partially_overturned": (
        r"partially (?:uphold|upheld|overturn)|uphold (?:your complaint )?in part|partly upheld|upheld in part"
        r"|(?:some|two|three|several|part) (?:of (?:the|these) )?(?:information|material|documents|e-?mails|records)[^.]{0,40}(?:should|can|will) (?:now )?be (?:released|disclosed)"
        r"|additional information|further information (?:is|will be|has been) (?:released|provided|attached)|with (?:some )?modifications?(?! )|with modification"
    ),
    "upheld": (
        r"uphold (?:the|my|our|its) (?:original )?(?:decision|response|refusal|position)|(?:decision|response|refusal|position)[^.]{0,60}(?:is|was|has been) upheld"
        r"|(?<!not )(?:correctly|properly|rightly|appropriately) (?:applied|withheld|refused|engaged|relied)|(?:satisfied|content) that|agree with the original"
        r"|maintain (?:the|our) (?:original )?(?:decision|position)|confirm (?:the|our) (?:original )?decision|not upheld|remains? withheld|without modification"
        r"|not upholding (?:your|the) (?:complaint|appeal)|do not uphold (?:your|the) (?:complaint|appeal)"
        r"|not changing (?:our|my|the) (?:original )?(?:response|decision)"
    ),
    "overturned": (
        r"(?:we|i) (?:have )?(?:uphold|upheld) your (?:complaint|appeal)|overturn|should (?:have been|now be|be) (?:disclosed|released|provided)|(?:was|is) (?:not correct|incorrect|wrong)|\bwrongly\b|was wrong"
        r"|(?:was|is) not engaged|(?:does|did) not apply|not (?:correctly|properly|appropriately) applied|complaint (?:is|has been) (?:therefore )?upheld|substitute (?:a )?different decision|\breverse"
        r"|(?:decided|now able|are now able) to (?:release|disclose|provide)|previously withheld|no longer consider"
    ),
}
