// A certified OpenID provider (panva/oidc-provider) configured like ID-porten for innboks's
// interop test: a public native client (no secret, PKCE S256 required), a loopback redirect
// on any port, the device flow, PAR, one-time rotating refresh tokens, revocation. It does
// not advertise ID-porten's levels (idporten-loa-*), so the client does not demand them.
// Usage: node provider.mjs PORT   (listens on 127.0.0.1 only; prints "READY <issuer>")
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node provider.mjs PORT');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const configuration = {
  clients: [
    {
      client_id: 'innboks',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
    },
  ],
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    pushedAuthorizationRequests: { enabled: true },
  },
  pkce: { required: () => true },
  scopes: ['openid', 'offline_access', 'digdir:dialogporten'],
  rotateRefreshToken: true,
  issueRefreshToken: async () => true,
  ttl: { AccessToken: 120, IdToken: 120, RefreshToken: 600, DeviceCode: 600, Grant: 7200, Session: 7200, Interaction: 600 },
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, error) => console.error('server_error', error));
const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Stop with the test that started us: when stdin closes, we go too.
process.stdin.on('end', stop);
process.stdin.resume();
