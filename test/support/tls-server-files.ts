import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** What a TLS-only PostgreSQL needs, made by the test: a throwaway CA, a server certificate it signed, and an hba file. */
export interface TlsServerFiles {
  readonly dir: string;
  /** PEM of the CA that signed the server's certificate. */
  readonly ca: string;
  readonly caFile: string;
  /** PEM of another CA, which did not sign it. */
  readonly wrongCa: string;
  /** `postgres` flags: TLS on with the server certificate, and an hba file with `hostssl` lines only. */
  readonly postgresFlags: string[];
  remove(): void;
}

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function makeCa(dir: string, name: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`);
}

/**
 * Files for a PostgreSQL that accepts only TLS connections (`hostssl`, no
 * `host` line) with a certificate for 127.0.0.1 and localhost. When the test
 * runs as root the server runs as `postgres`: the folder and files are that
 * user's, the key mode 0600 as PostgreSQL demands.
 */
export function makeTlsServerFiles(): TlsServerFiles {
  const dir = mkdtempSync(join(tmpdir(), 'baofoo-tls-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'wrong-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.crt');
  writeFileSync(join(dir, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  chmodSync(join(dir, 'server.key'), 0o600);
  if (userInfo().uid === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    for (const f of ['', 'server.key', 'server.crt', 'pg_hba.conf']) chownSync(join(dir, f), id('-u'), id('-g'));
  }
  chmodSync(dir, 0o755);
  return {
    dir,
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    caFile: join(dir, 'ca.crt'),
    wrongCa: readFileSync(join(dir, 'wrong-ca.crt'), 'utf8'),
    postgresFlags: ['-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'server.crt')}`, '-c', `ssl_key_file=${join(dir, 'server.key')}`, '-c', `hba_file=${join(dir, 'pg_hba.conf')}`],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
