"""Services: the only code that writes learner data. Each call is one transaction.

They take plain values (a :class:`~.common.Learner`, a definition, the time)
and return plain values, and refuse bad requests with :class:`~.common.Refusal`.
"""
