"""django-axes along three axes, each with its own failure limit.

django-axes counts failures for every lockout parameter but compares them all with one limit.
Here each axis in AXES_LOCKOUT_PARAMETERS has its own limit (LOGIN_FAILURE_LIMITS, same order),
and the count django-axes sees is scaled so that it reaches AXES_FAILURE_LIMIT exactly when some
axis reaches its own limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class ThreeAxisLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        # count * base // limit >= base  exactly when  count >= limit.
        return max(
            count * base // limit
            for count, limit in zip(counts, settings.LOGIN_FAILURE_LIMITS, strict=True)
        )

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that username's failures from that address only: an
        attacker signing in to an account of their own must not wipe the address's or
        another username's count."""
        combined = self.filter_user_attempts(request, credentials)[0]
        count, _per_model = combined.delete()
        return count
