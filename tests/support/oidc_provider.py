"""The test suite's own OpenID Connect provider: a real HTTP server on 127.0.0.1 (a free port) with
discovery, the authorization endpoint (a sign-in form, or straight through for `login_as`), the token
endpoint (authorization code, client secret, PKCE S256 required, codes good once), RS256 ID tokens
from a JWKS, and an end-session endpoint. tests/support/sigstore_local/oidc.py stays the minimal token
issuer of the Sigstore tests; this one is a whole provider that Pedigree signs in through.

Hostile knobs for the next ID tokens: `token_overrides` (claims to replace; None removes one) and
`sign_with` (another private key, published under the same key id: a bad signature).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "pedigree-test-key-1"


@dataclass
class ProviderUser:
    sub: str
    groups: list[str]
    email: str = ""
    given_name: str = ""
    family_name: str = ""


@dataclass
class OIDCProvider:
    client_id: str = "pedigree-portal"
    client_secret: str = "client-secret-for-tests"
    users: dict[str, ProviderUser] = field(default_factory=dict)
    login_as: str | None = None  # skip the provider's sign-in form and sign in as this user
    token_overrides: dict = field(default_factory=dict)
    sign_with: rsa.RSAPrivateKey | None = None
    metadata_overrides: dict = field(default_factory=dict)
    # What the provider saw: authorization requests, token requests, end-session requests.
    authorizations: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)
    ended_sessions: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> OIDCProvider:
        provider = self

        class Handler(_Handler):
            pass

        Handler.provider = provider
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="oidc-provider", daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def issuer(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add_user(self, name: str, *groups: str) -> ProviderUser:
        user = ProviderUser(sub=f"sub-{name}-{secrets.token_hex(4)}", groups=list(groups), email=f"{name}@example.org",
                            given_name=name.title(), family_name="Example")
        self.users[name] = user
        return user

    # ------------------------------------------------------------------ documents

    def metadata(self) -> dict:
        issuer = self.issuer
        document = {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/end-session",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email"],
        }
        document.update(self.metadata_overrides)
        return document

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KEY_ID, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def id_token(self, name: str, nonce: str | None) -> str:
        user = self.users[name]
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": user.sub, "aud": self.client_id, "iat": now, "exp": now + 300,
                  "auth_time": now, "preferred_username": name, "email": user.email, "given_name": user.given_name,
                  "family_name": user.family_name, "groups": list(user.groups)}
        if nonce is not None:
            claims["nonce"] = nonce
        for claim, value in self.token_overrides.items():
            if value is None:
                claims.pop(claim, None)
            else:
                claims[claim] = value
        return jwt.encode(claims, self.sign_with or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    # ------------------------------------------------------------------ endpoints

    def authorize(self, params: dict[str, str], user: str | None) -> tuple[int, dict[str, str], str]:
        self.authorizations.append(dict(params))
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id or not redirect_uri:
            return 400, {}, "unknown client or no redirect_uri"
        problem = None
        if params.get("response_type") != "code":
            problem = "unsupported_response_type"
        elif "openid" not in params.get("scope", "").split():
            problem = "invalid_scope"
        elif params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            problem = "invalid_request"  # PKCE is required
        if problem:
            return 302, {"Location": _add(redirect_uri, {"error": problem, "state": params.get("state", "")})}, ""
        if user is None:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, self._form(params)
        if user not in self.users:
            return 302, {"Location": _add(redirect_uri, {"error": "access_denied", "state": params.get("state", "")})}, ""
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {"user": user, "redirect_uri": redirect_uri, "nonce": params.get("nonce"),
                                "challenge": params["code_challenge"], "used": False}
        headers = {"Location": _add(redirect_uri, {"code": code, "state": params.get("state", "")}),
                   "Set-Cookie": f"op_session={user}; Path=/; HttpOnly"}
        return 302, headers, ""

    def _form(self, params: dict[str, str]) -> str:
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items())
        return ("<!DOCTYPE html><html><head><title>Test identity provider</title></head><body>"
                "<h1>Test identity provider</h1><form method=\"post\" action=\"/authorize\">" + hidden +
                '<label for="op-user">User</label> <input id="op-user" name="op_user">'
                '<button type="submit" id="op-sign-in">Sign in at the provider</button></form></body></html>')

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict]:
        self.token_requests.append(dict(form))
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self.lock:
            grant = self.codes.get(form.get("code", ""))
            if grant is None or grant["used"]:
                return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
            grant["used"] = True
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or challenge != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        return 200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                     "id_token": self.id_token(grant["user"], grant["nonce"])}

    def end_session(self, params: dict[str, str], cookie: str) -> tuple[int, dict[str, str], str]:
        hint = params.get("id_token_hint", "")
        try:
            subject = jwt.decode(hint, self.key.public_key(), algorithms=["RS256"], audience=self.client_id,
                                 options={"verify_exp": False})["sub"] if hint else None
        except jwt.PyJWTError:
            return 400, {}, "bad id_token_hint"
        self.ended_sessions.append({"sub": subject, "client_id": params.get("client_id"), "cookie": cookie,
                                    "post_logout_redirect_uri": params.get("post_logout_redirect_uri")})
        headers = {"Set-Cookie": "op_session=; Path=/; Max-Age=0"}
        if params.get("post_logout_redirect_uri"):
            headers["Location"] = params["post_logout_redirect_uri"]
            return 302, headers, ""
        return 200, headers, "signed out at the provider"


def _add(url: str, params: dict[str, str]) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


class _Handler(BaseHTTPRequestHandler):
    provider: OIDCProvider

    def log_message(self, format, *args):  # quiet
        pass

    def _send(self, status: int, headers: dict[str, str], body: str | bytes) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, document: dict) -> None:
        self._send(status, {"Content-Type": "application/json", "Cache-Control": "no-store"}, json.dumps(document))

    def do_GET(self):
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/openid-configuration":
            self._json(200, self.provider.metadata())
        elif parts.path == "/jwks":
            self._json(200, self.provider.jwks())
        elif parts.path == "/authorize":
            self._send(*self.provider.authorize(params, self.provider.login_as))
        elif parts.path == "/end-session":
            self._send(*self.provider.end_session(params, self.headers.get("Cookie", "")))
        else:
            self._send(404, {}, "not found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        path = urlsplit(self.path).path
        if path == "/token":
            self._json(*self.provider.token(form, self.headers.get("Authorization")))
        elif path == "/authorize":
            user = form.pop("op_user", "")
            self._send(*self.provider.authorize(form, user))
        else:
            self._send(404, {}, "not found")
