"""Signed, dated tokens (a call-mode visit, an embed's ticket), dated by the app's clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from itsdangerous import TimestampSigner, URLSafeTimedSerializer


class _SignerAt(TimestampSigner):
    """A timestamp signer that takes "now" from the caller instead of the system clock."""

    def __init__(self, *args: Any, at: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.at = at

    def get_timestamp(self) -> int:
        return self.at


def serializer(secret: str | bytes, salt: str, now: datetime) -> URLSafeTimedSerializer:
    """Dumps tokens dated `now`, and loads them checking their age against `now`."""
    return URLSafeTimedSerializer(
        secret, salt=salt, signer=_SignerAt, signer_kwargs={"at": int(now.timestamp())}
    )
