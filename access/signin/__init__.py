"""Enterprise sign-in (docs/authentication.md): OpenID Connect, LDAP and local accounts, the roles
they grant, and the lifetime of browser sessions.

- `rolemap.py` (PURE PYTHON): the group-to-role maps of the settings, and the roles a user's
  provider groups give.
- `accounts.py`: accounts made on first sign-in, linked to their provider identity, and their role
  groups set to exactly what the provider says at every sign-in.
- `oidc.py`, `oidc_http.py`: the OpenID Connect client (Authlib): authorization code flow with PKCE,
  state and nonce, the ID token checked against the provider's JWKS, issuer, audience and lifetime;
  every connection to the provider goes through the egress policy (access.egress), pinned to the
  addresses checked.
- `ldap.py`: the directory backend (django-auth-ldap): bind, user search, nested group search,
  StartTLS/LDAPS, the same first-sign-in rules; a directory that cannot be reached is said so.
- `backends.py`: local accounts, which PEDIGREE_LOCAL_SIGNIN_USERS can restrict to break-glass admins.
- `sessions.py`: idle and absolute session lifetimes, the record of each user's sessions, and
  "sign out everywhere".
- `views.py`, `urls.py`: the OpenID Connect redirect and callback, sign-out (ending the provider's
  session where it offers an end-session endpoint), the no-role page and the admins' sessions page.
"""
