import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { signedSuccess } from '../bench-signing.ts';
import { env, runServer } from './server-harness.ts';

/*
 * The physical limit of the job on this machine: parse the form, verify the
 * MD5, one conditional UPDATE, answer. No framework, no ledger, no outbox.
 */

const SETTLE = `UPDATE baofoo_payment_orders SET status = 'PAID', version = version + 1, fact_money = $3, result_desc = $4, succ_time = $5, updated_at = now()
  WHERE member_id = $1 AND trans_id = $2 AND status = 'PENDING' AND order_money = $3`;

await runServer(async () => {
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('POOL_SIZE')) });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const f = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (!signedSuccess(f)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('FAIL');
        return;
      }
      pool.query(SETTLE, [f.get('MemberID'), f.get('TransID'), Number(f.get('FactMoney')), f.get('ResultDesc'), f.get('SuccTime')]).then(
        (r) => res.writeHead(r.rowCount === 1 ? 200 : 409, { 'content-type': 'text/plain' }).end(r.rowCount === 1 ? 'OK' : 'FAIL'),
        () => res.writeHead(503, { 'content-type': 'text/plain' }).end('FAIL'),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
});
