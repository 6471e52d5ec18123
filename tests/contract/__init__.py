"""Contract tests: the block run through tests/host, the way the LMS and Studio call it."""
