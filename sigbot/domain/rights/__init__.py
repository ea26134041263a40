"""A person's rights over what sigbot stores about them (docs/privacy.md): access (``export``),
erasure on request (``erase``) and erasure when the retention period is over (``retention``)."""

from sigbot.domain.rights.erase import ErasureReport, erase_member
from sigbot.domain.rights.export import export_case, export_member
from sigbot.domain.rights.people import UnknownMember
from sigbot.domain.rights.retention import erase_case_data, erase_unmatched_inbound
from sigbot.domain.rights.scrub import ERASED

__all__ = [
    "ERASED",
    "ErasureReport",
    "UnknownMember",
    "erase_case_data",
    "erase_member",
    "erase_unmatched_inbound",
    "export_case",
    "export_member",
]
