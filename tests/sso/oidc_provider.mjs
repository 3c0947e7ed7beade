// A real OpenID Connect provider for the single sign-on tests (npm `oidc-provider`, certified by the OpenID
// Foundation), listening on loopback. Its development login form takes any login: the login is the person's e-mail
// address, which the provider then asserts (email_verified true, unless the login starts with "unverified:"), with
// the Microsoft Entra ID style tenant claim `tid` from OIDC_TENANT. Consent is granted without asking.
//
//   PORT=8123 OIDC_CLIENT_ID=portal OIDC_CLIENT_SECRET=secret OIDC_REDIRECT_URIS=http://testserver/... \
//   node tests/sso/oidc_provider.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

function claimsOf(login) {
  const unverified = login.startsWith('unverified:');
  const email = unverified ? login.slice('unverified:'.length) : login;
  return {
    sub: login,
    email,
    email_verified: !unverified,
    name: `Test ${email.split('@')[0]}`,
    tid: process.env.OIDC_TENANT || 'tenant-test',
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: process.env.OIDC_REDIRECT_URIS.split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'tid'] },
  scopes: ['openid', 'email', 'profile'],
  cookies: { keys: ['single-sign-on-tests-only'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'tid']);
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
