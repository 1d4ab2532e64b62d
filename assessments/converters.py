"""Path converters: one canonical address per page.

Django's `int` converter takes leading zeros, so `/teams/7/`, `/teams/07/` and `/teams/0007/`
would each be a page of their own, each kept in the cache. `number` takes a number only as it is
written canonically, and no longer than a database's 64-bit integer can hold.
"""

from django.urls import register_converter


class CanonicalNumber:
    # 0, or up to 18 digits without a leading zero: below 2**63 - 1, the largest bigint.
    regex = "0|[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(CanonicalNumber, "number")
