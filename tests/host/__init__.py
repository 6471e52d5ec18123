"""A test host that behaves like edx-platform.

Fakes of the LMS, Studio and instructor dashboard parts the block meets, each naming the platform file it mirrors.
"""
