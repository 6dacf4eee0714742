"""A small OAuth authorization server for the tests, on loopback: an RSA key and an EC key (and an
Ed25519 key a test may add), its JWKS
and its metadata (RFC 8414), and access tokens signed with either key (or with anything a test
wants to try: another key, `alg: none`, HMAC). Keys can be rotated while it runs."""

import contextlib
import dataclasses
import json
import time
import uuid

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm


def _rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ec():
    return ec.generate_private_key(ec.SECP256R1())


@dataclasses.dataclass
class Key:
    kid: str
    alg: str
    private: object

    def jwk(self) -> dict:
        algorithm = {'RS256': RSAAlgorithm, 'ES256': ECAlgorithm, 'EdDSA': OKPAlgorithm}[self.alg]
        out = json.loads(algorithm.to_jwk(self.private.public_key()))
        out.update({'kid': self.kid, 'alg': self.alg, 'use': 'sig'})
        return out


def new_key(alg: str) -> Key:
    private = {'RS256': _rsa, 'ES256': _ec, 'EdDSA': ed25519.Ed25519PrivateKey.generate}[alg]()
    return Key(kid='{0}-{1}'.format(alg.lower(), uuid.uuid4().hex[:8]), alg=alg, private=private)


class Issuer:
    """The running issuer: `url` is its issuer identifier; `keys` are published in its JWKS."""

    def __init__(self):
        self.url = ''
        self.keys = [new_key('RS256'), new_key('ES256')]
        self.jwks_fetches = 0

    def token(self, audience: str, key: Key | None = None, lifetime: int = 300, **claims) -> str:
        """An access token for `audience` signed with `key` (default: the RSA key); `claims` add or
        (with None) remove claims."""
        key = key or self.keys[0]
        now = int(time.time())
        body = {'iss': self.url, 'aud': audience, 'sub': 'user-' + uuid.uuid4().hex[:6], 'iat': now,
                'nbf': now, 'exp': now + lifetime, 'scope': 'openid pve.read'}
        body.update(claims)
        body = dict((k, v) for k, v in body.items() if v is not None)
        return jwt.encode(body, key.private, algorithm=key.alg, headers={'kid': key.kid})

    def rotate(self) -> Key:
        """Replace the RSA key with a new one (the old one is no longer published)."""
        self.keys[0] = new_key('RS256')
        return self.keys[0]

    async def _metadata(self, _request):
        return web.json_response({'issuer': self.url, 'jwks_uri': self.url + '/jwks',
                                  'authorization_endpoint': self.url + '/authorize',
                                  'token_endpoint': self.url + '/token',
                                  'response_types_supported': ['code']})

    async def _jwks(self, _request):
        self.jwks_fetches += 1
        return web.json_response({'keys': [k.jwk() for k in self.keys]})


@contextlib.asynccontextmanager
async def running_issuer():
    issuer = Issuer()
    app = web.Application()
    app.router.add_get('/.well-known/oauth-authorization-server', issuer._metadata)
    app.router.add_get('/jwks', issuer._jwks)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    issuer.url = 'http://127.0.0.1:{0}'.format(port)
    try:
        yield issuer
    finally:
        await runner.cleanup()


def unsigned(claims: dict) -> str:
    """A token with `alg: none` (no signature)."""
    return jwt.encode(claims, None, algorithm='none')


__all__ = ['Issuer', 'Key', 'new_key', 'running_issuer', 'unsigned']
