import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { md5Hex } from '../bench-signing.ts';
import { env, runServer } from './server-harness.ts';

/*
 * The physical limit of the job on this machine: parse the form, verify the
 * MD5, one conditional UPDATE, answer. No framework, no ledger, no outbox.
 */

const KEY = 'abcdefg';
const SETTLE = `UPDATE baofoo_payment_orders SET status = 'PAID', version = version + 1, fact_money = $3, result_desc = $4, succ_time = $5, updated_at = now()
  WHERE member_id = $1 AND trans_id = $2 AND status = 'PENDING' AND order_money = $3`;

function signed(f: URLSearchParams): boolean {
  const expected = md5Hex(
    `MemberID=${f.get('MemberID')}~|~TerminalID=${f.get('TerminalID')}~|~TransID=${f.get('TransID')}~|~Result=${f.get('Result')}~|~ResultDesc=${f.get('ResultDesc')}` +
      `~|~FactMoney=${f.get('FactMoney')}~|~AdditionalInfo=${f.get('AdditionalInfo')}~|~SuccTime=${f.get('SuccTime')}~|~Md5Sign=${KEY}`,
  );
  const given = Buffer.from(f.get('Md5Sign') ?? '');
  return given.length === 32 && timingSafeEqual(given, Buffer.from(expected));
}

await runServer(async () => {
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('POOL_SIZE')) });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const f = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (!signed(f) || f.get('Result') !== '1') {
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
