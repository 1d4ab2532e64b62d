"""Keep the secret part of private links out of every log line.

The token in /a/<token>/, /invitations/<token>/ and /shared/<token>/ is a credential: whoever
holds it may read, and for assessments change, what it opens. So is a password-reset link,
/accounts/reset/<uid>/<token>/, until it is used. Paths reach the logs through
gunicorn's access log (request line and referrer) and Django's request log ("Not Found: …").
"""

import logging
import re

from gunicorn.glogging import Logger

TOKEN_PATH = re.compile(r"(/(?:a|invitations|shared)/)[^/\s?#\"']+")
RESET_PATH = re.compile(r"(/accounts/reset/)[^/\s?#\"']+/[^/\s?#\"']+")


def redact(text: str) -> str:
    """`text` with the token of every private-link path replaced by [redacted]."""
    return RESET_PATH.sub(r"\1[redacted]/[redacted]", TOKEN_PATH.sub(r"\1[redacted]", text))


class RedactTokens(logging.Filter):
    """A logging filter that rewrites a record's message with its tokens redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class GunicornLogger(Logger):
    """gunicorn's logger, with the access and error logs passed through RedactTokens."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(RedactTokens())
