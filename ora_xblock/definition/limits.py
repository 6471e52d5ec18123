"""The bounds of every number, count, text and date in a problem definition.

The validator refuses anything beyond them, each with its own error code;
the Studio form repeats them as advice. They are far beyond what an author
needs, and they keep every later sum and date shift inside what Python and
the databases hold. Where ora2 or the platform has a limit, ours matches it.
"""

from __future__ import annotations

from datetime import UTC, datetime

# Points of one option: ora2's editor takes 0 to 999.
MAX_OPTION_POINTS = 1000
# Must Grade and Graded By: ora2's editor takes 1 to 99.
MAX_PEER_COUNT = 99
# Top responses: edx-submissions serves at most 100 (submissions.api.MAX_TOP_SUBMISSIONS).
MAX_TOP_RESPONSES = 100
# A resubmission grace period: a year, longer than any course's response window.
MAX_GRACE_DAYS = 365
# Days after a peer grade a learner may appeal it: 1 to a year.
MAX_APPEAL_DAYS = 365

MAX_PROMPTS = 50
MAX_CRITERIA = 50
MAX_OPTIONS = 50  # per criterion
MAX_EXAMPLES = 50  # learner training examples
MAX_FILE_TYPES = 50  # extensions in a custom file-type list
MAX_EXTENSION_CHARS = 32  # the stored extension of an uploaded file (ResponseFile.extension)

# The largest score a problem can have fits edx-submissions' PositiveIntegerField columns (2**31 - 1).
MAX_SCORE = MAX_CRITERIA * MAX_OPTION_POINTS

# Characters of each text, by its OLX name.
MAX_TEXT = {
    "title": 500,  # the platform's block title column (openedx-learning PublishableEntityVersion.title)
    "description": 100_000,  # a prompt: as long as the longest answer
    "name": 100,  # a criterion's or option's name: ora2's column
    "label": 100,
    "prompt": 10_000,  # a criterion's prompt: ora2's column
    "explanation": 10_000,  # an option's explanation: ora2's column
    "feedback_prompt": 10_000,
    "feedback_default_text": 1000,  # it fills the overall comment box, which holds 1000 (assessing.MAX_COMMENT_CHARS)
    "answer": 100_000,  # one part of a training example's answer, as long as a learner's
    "selected_teamset_id": 255,  # the platform's teams column (CourseTeam.topic_id)
}

# Dates an author may set, in UTC. ora2's own examples reach 5999; the margin to datetime's year 9999 keeps
# every shift (a beta tester's early start, a grace period) representable.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
