"""Keep the secret part of private links out of every log line.

The token in /a/<token>/, /invitations/<token>/ and /shared/<token>/ is a credential: whoever
holds it may read, and for assessments change, what it opens. So is a password-reset link,
/accounts/reset/<uid>/<token>/, until it is used. Paths reach the logs through
gunicorn's access log (request line and referrer) and Django's request log ("Not Found: …"),
and travel percent-encoded in query strings (?next=%2Fa%2F<token>%2F).
"""

import logging
import re

from gunicorn.glogging import Logger

# A slash as it is, or percent-encoded once or more (%2F, %252F, ...): a private link travels
# encoded in a query string, e.g. /accounts/login/?next=%2Finvitations%2F<token>%2F.
SLASH = r"(?:/|%(?:25)*2[Ff])"
# A token runs to the next slash, encoded or not, or to what ends a path or a parameter. An
# encoded letter stays in it: Django decodes /a/%74oken/ to /a/token/ and opens it.
TOKEN = rf"(?:(?!{SLASH})[^/\s?#&\"'])+"
TOKEN_PATH = re.compile(rf"({SLASH}(?:a|invitations|shared){SLASH}){TOKEN}")
RESET_PATH = re.compile(rf"({SLASH}accounts{SLASH}reset{SLASH}){TOKEN}({SLASH}){TOKEN}")


def redact(text: str) -> str:
    """`text` with the token of every private-link path replaced by [redacted], in a path as
    it is or in a parameter percent-encoded."""
    return RESET_PATH.sub(r"\1[redacted]\2[redacted]", TOKEN_PATH.sub(r"\1[redacted]", text))


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
