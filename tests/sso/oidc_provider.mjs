// A real OpenID Connect provider for the single sign-on tests (npm `oidc-provider`, certified by the OpenID
// Foundation), listening on loopback. Its development login form takes any login: the login is the person's e-mail
// address, which the provider then asserts (email_verified true), with the Microsoft Entra ID style tenant claim `tid`
// from OIDC_TENANT. Options before the address, each ending with ":", change the claims: "unverified:" (email_verified
// false), "noclaim:" (no email_verified claim, as Entra ID sends), "edov:" (Entra's verified-domain claim xms_edov
// true) and "tid=<tenant>:" (another tenant). Consent is granted without asking.
//
//   PORT=8123 OIDC_CLIENT_ID=portal OIDC_CLIENT_SECRET=secret OIDC_REDIRECT_URIS=http://testserver/... \
//   node tests/sso/oidc_provider.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

function claimsOf(login) {
  const parts = login.split(':');
  const email = parts.pop();
  const claims = {
    sub: login,
    email,
    email_verified: true,
    name: `Test ${email.split('@')[0]}`,
    tid: process.env.OIDC_TENANT || 'tenant-test',
  };
  for (const option of parts) {
    if (option === 'unverified') claims.email_verified = false;
    else if (option === 'noclaim') delete claims.email_verified;
    else if (option === 'edov') claims.xms_edov = true;
    else if (option.startsWith('tid=')) claims.tid = option.slice(4);
  }
  return claims;
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
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'tid', 'xms_edov'] },
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
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'tid', 'xms_edov']);
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
