"""English stop words, plus the filler words people put around a question.

Question words (who, when, how many, ...) carry no topic, so they do not take part in ranking.
"""

_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further had hadn't has hasn't have haven't having he
    he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
    in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on
    once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
    should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those through to too under until up
    very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
    which while who who's whom why why's will with won't would wouldn't you you'd you'll you're
    you've your yours yourself yourselves
    s t d ll m re ve
    many much tell please does did whose
    across along alongside among amongst around beside besides beyond despite inside near onto
    outside per since toward towards upon via within without
    stuff thing things kind kinds sort sorts
    sorry thanks thank thx ty tysm pls plz hello hi hey
    tho though btw lol lmao idk imo fyi omg ya yeah yep nope ok okay u ur
    actually basically specifically exactly literally anyway anyways dumb stupid silly quick
    like kinda sorta nah atm gonna wanna gotta lemme roughly approximately
"""

# Contractions typed without their apostrophe ("whats", "dont", "im") are stop words too,
# except where that spells another word ("we'll" / "well", "i'd" / "id").
_WORDS_TOO = frozenset("well shell hell wed id ill its cant wont shed lets hes".split())

STOP_WORDS = frozenset(_TEXT.split())
STOP_WORDS = STOP_WORDS | frozenset(
    bare for w in STOP_WORDS if "'" in w and (bare := w.replace("'", "")) not in _WORDS_TOO
)
