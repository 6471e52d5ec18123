"""Services: the only code that writes learner data. Each call is one transaction.

Services open ``transaction.atomic(savepoint=False)``: alone, that is the
transaction; inside a handler's, it joins it without a savepoint, and any
refusal rolls the whole request back.

They take plain values (a :class:`~.common.Learner`, a definition, the time)
and return plain values, and refuse bad requests with :class:`~.common.Refusal`.
"""
