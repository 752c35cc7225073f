// A throwaway PKI for TLS tests, made with the openssl command (CI installs it): a CA, a
// server certificate for 127.0.0.1, client certificates whose CN is an agent id, and a second,
// unrelated CA that a client or a server must not trust. Keys are P-256: quick to make.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestPki {
  /** The CA that signed the server certificate and clientCert's certificates. */
  readonly caFile: string;
  /** A certificate for 127.0.0.1 (SAN IP:127.0.0.1), signed by caFile. */
  readonly server: CertFiles;
  /** An unrelated CA: trusting it must fail against server; certificates it signed must be refused. */
  readonly otherCaFile: string;
  /** A client certificate with CN = agentId (and SAN URI hopwatch:agent:<agentId>), signed by caFile, or by otherCaFile when `byOtherCa`. */
  clientCert(agentId: string, byOtherCa?: boolean): CertFiles;
}

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = $ENV::HW_SAN
`;

export function createTestPki(parent: string): TestPki {
  const dir = join(parent, 'pki');
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'openssl.cnf');
  writeFileSync(config, CONFIG);
  let serial = 1;
  const openssl = (args: string[], san = 'DNS:unused') =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HW_SAN: san, OPENSSL_CONF: config } });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

  const makeCa = (name: string): string => {
    openssl(['req', '-x509', ...newKey, '-config', config, '-extensions', 'ca', '-subj', `/CN=${name}`, '-days', '2', '-keyout', `${name}.key`, '-out', `${name}.pem`]);
    return name;
  };
  const makeLeaf = (name: string, cn: string, ca: string, extensions: 'server' | 'client', san?: string): CertFiles => {
    openssl(['req', '-new', ...newKey, '-config', config, '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', String(serial++), '-days', '2',
      '-extfile', config, '-extensions', extensions, '-out', `${name}.pem`], san);
    return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
  };

  const ca = makeCa('ca');
  const other = makeCa('other-ca');
  return {
    caFile: join(dir, `${ca}.pem`),
    server: makeLeaf('server', '127.0.0.1', ca, 'server'),
    otherCaFile: join(dir, `${other}.pem`),
    clientCert: (agentId, byOtherCa = false) =>
      makeLeaf(`client-${agentId}${byOtherCa ? '-other' : ''}`, agentId, byOtherCa ? other : ca, 'client', `URI:hopwatch:agent:${agentId}`),
  };
}
