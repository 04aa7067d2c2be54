"""Answers that stand where a page should be: JavaScript cookie challenges, CAPTCHAs, login walls.

Anti-bot services in front of government portals (Ruishu/瑞数 answers 412, Jiasule/加速乐 521, Aliyun, SafeLine,
Yunsuo) send a script that sets a cookie and reloads; a crawler that stores that as a page, or as "the list was
empty", lies to its user. zwgk does not try to get around them: it names them, and the portal's run says it failed.
"""

from __future__ import annotations

import re

_CHALLENGE_STATUSES = frozenset((412, 521))
_CHALLENGE_MARKERS = re.compile(
    r"\$_ts\s*=|\$_ts\.|__jsl_clearance|acw_sc__v2|safeline_bot_challenge|yunsuo_session_verify|_waf_bd8ce2ce37"
    r"|document\.cookie\s*=.{0,400}?(location\.(href|reload|replace)|window\.location)",
    re.S | re.I,
)
_CAPTCHA = re.compile(r"captcha|geetest|nc_token|滑动验证|拖动滑块|请输入验证码|安全验证|人机验证", re.I)
_PASSWORD_INPUT = re.compile(r"<input[^>]+type\s*=\s*['\"]?password", re.I)
_LOGIN_TITLE = re.compile(r"<title>[^<]{0,40}(登录|登陆|login|统一身份认证)", re.I)  # a portal's header login box is no wall
_LOGIN_URL = re.compile(r"(login|signin|passport|/cas/|sso)", re.I)
_FORM = re.compile(r"<form\b.*?</form\s*>", re.S | re.I)
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S | re.I)
_SMALL_PAGE_CHARS = 1500  # a challenge or login page says little; a real page says more than this


def _visible_chars(html: str) -> int:
    return len(re.sub(r"\s+", "", _TAGS.sub(" ", html)))


def barrier(status: int | None, text: str, final_url: str | None = None) -> str | None:
    """What stands in the way, in words for the run notes; None when the answer is a page."""
    head = text[:200_000]
    if status in _CHALLENGE_STATUSES and ("<script" in head.lower() or not head.strip()):
        return f"JavaScript cookie challenge (HTTP {status}): the site answers a script instead of the page"
    small = _visible_chars(head) < _SMALL_PAGE_CHARS
    if _CHALLENGE_MARKERS.search(head) and small:
        return "JavaScript cookie challenge: the site answers a script that sets a cookie and reloads"
    if small and _CAPTCHA.search(head) and ("<form" in head.lower() or "<input" in head.lower() or "<img" in head.lower()):
        return "CAPTCHA: the site asks for a human check instead of the page"
    if _PASSWORD_INPUT.search(head) and (_LOGIN_TITLE.search(head) or _visible_chars(_FORM.sub(" ", head)) < 300):
        return "login wall: the site asks for a login instead of the page"
    if final_url and _LOGIN_URL.search(final_url.split("?", 1)[0]) and small:
        return f"login wall: redirected to {final_url}"
    return None


_ATTACHMENT_TYPES = re.compile(r"application/(pdf|msword|vnd\.|zip|x-rar|octet-stream|ofd)|image/", re.I)
_MAGIC = ((b"%PDF-", "PDF"), (b"PK\x03\x04", "Office/ZIP"), (b"\xd0\xcf\x11\xe0", "Word/Excel"), (b"Rar!", "RAR"))


def attachment_kind(body: bytes, content_type: str | None) -> str | None:
    """A listed URL that answers with a document file instead of a page: named by its type, else None."""
    for magic, name in _MAGIC:
        if body.startswith(magic):
            return name
    if content_type and _ATTACHMENT_TYPES.search(content_type):
        return content_type.split(";", 1)[0].strip()
    return None
