import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import request from 'supertest';
import { BaofooModule } from '../../src/baofoo/baofoo.module.ts';
import { DATABASE_TLS_ERRORS } from '../../src/baofoo/database/database-tls.ts';
import { baofooPostgresOptions, type BaofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { OutboxRelay } from '../../src/baofoo/events/outbox-relay.service.ts';
import { PaymentService } from '../../src/baofoo/payments/payment.service.ts';
import { openCliDatabase } from '../../src/cli/cli-database.ts';
import { memoryIo } from '../../src/cli/cli-io.ts';
import { doctorFindings } from '../../src/cli/commands/doctor.command.ts';
import { runMigrate } from '../../src/cli/commands/migrate.command.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/infra/embedded-database.ts';
import { DeliveryRecorder } from '../events/delivery-recorder.ts';
import { LedgerListener, recorderProviders } from '../events/recording-listeners.ts';
import { successFields } from '../notifications/notification-support.ts';
import { createNestApp, testOptions } from '../support/baofoo-test-app.ts';
import { CapturedLog } from '../support/captured-log.ts';
import { makeTlsServerFiles, type TlsServerFiles } from '../support/tls-server-files.ts';

/*
 * A PostgreSQL like a managed one: it accepts TLS connections only (`hostssl`,
 * no `host` line in its hba file), with a certificate from a CA the test made.
 * Every connection the module opens must carry the DataSource's TLS settings,
 * or it is refused.
 */
describe('the module over a PostgreSQL that accepts only TLS', () => {
  let files: TlsServerFiles;
  let server: EmbeddedDatabase;
  /** Without any TLS setting. */
  let plainUrl: string;
  /** TLS with the CA and host name checked, all in the url, as DATABASE_URL would say it. */
  let verifyUrl: string;

  beforeAll(async () => {
    files = makeTlsServerFiles();
    server = await startEmbeddedDatabase({ postgresFlags: files.postgresFlags });
    plainUrl = server.url;
    verifyUrl = `${server.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(files.caFile)}`;
    const io = memoryIo();
    expect(await runMigrate(['--url', verifyUrl], {}, io)).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    files?.remove();
  });

  async function startApp(database: Partial<BaofooPostgresOptions>, log = new CapturedLog()) {
    const recorder = new DeliveryRecorder();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot(baofooPostgresOptions({ url: plainUrl, poolSize: 2, ...database })),
        EventEmitterModule.forRoot(),
        BaofooModule.forRoot(testOptions({ outbox: { enabled: true, pollIntervalMs: 200 } })),
      ],
      providers: [...recorderProviders(recorder, 'tls'), LedgerListener],
    })
      .setLogger(log)
      .compile();
    const app = createNestApp(moduleRef);
    await app.listen(0, '127.0.0.1').catch(async (e: unknown) => {
      await app.close().catch(() => undefined);
      throw e;
    });
    return { app, recorder };
  }

  /** TLS or not, per connection the module opened, as the server sees them. */
  async function moduleConnections(): Promise<{ name: string; ssl: boolean }[]> {
    const admin = new pg.Client(verifyUrl);
    await admin.connect();
    try {
      const { rows } = await admin.query<{ name: string; ssl: boolean }>(
        `SELECT application_name AS name, ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE application_name LIKE 'baofoo%' ORDER BY 1`,
      );
      return rows;
    } finally {
      await admin.end();
    }
  }

  it.each<[string, () => Partial<BaofooPostgresOptions>]>([
    ['ssl: { ca } beside a url without sslmode', () => ({ ssl: { ca: files.ca } })],
    ['?sslmode=verify-full&sslrootcert= in the url', () => ({ url: verifyUrl })],
  ])('takes a payment, settles its signed notification and delivers the event, every connection over TLS (%s)', async (_, database) => {
    const { app, recorder } = await startApp(database());
    try {
      const { order } = await app.get(PaymentService).createPayment({ orderMoney: 2500, payId: '3002' });

      const answer = await request(app.getHttpServer()).post('/baofoo/notify').type('form').send(successFields(order.transId, 2500));

      expect(answer.text).toBe('OK');
      await recorder.until(() => recorder.of('LedgerListener.onPaid').some((c) => (c.payload as { transId?: string }).transId === order.transId), 20_000, 'the paid event delivered');
      await app.get(OutboxRelay).whenListening();
      const connections = await moduleConnections();
      expect(new Set(connections.map((c) => c.name))).toEqual(new Set(['baofoo', 'baofoo-outbox', 'baofoo-outbox-listen']));
      expect(connections.filter((c) => !c.ssl)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it.each<[string, () => Partial<BaofooPostgresOptions>, string, RegExp]>([
    // Node 24 adds a hint about --use-system-ca to the reason.
    ['a CA that did not sign the server certificate', () => ({ ssl: { ca: files.wrongCa } }), DATABASE_TLS_ERRORS.certificateRefused, /^the database's TLS certificate was not accepted \(unable to verify the first certificate[^)]*\): check the CA/],
    // pg-connection-string: an sslmode in the url replaces the ssl object, CA and all (docs/runbook.md).
    ['sslmode in the url beside ssl: { ca }', () => ({ url: `${plainUrl}?sslmode=verify-full`, ssl: { ca: files.ca } }), DATABASE_TLS_ERRORS.certificateRefused, /TLS certificate was not accepted/],
    ['no TLS setting at all', () => ({}), DATABASE_TLS_ERRORS.tlsRequired, /^the database accepts only TLS connections and this one did not use TLS \(no pg_hba.conf entry .* no encryption\): set ssl/],
  ])('refuses to boot at the first attempt, naming the TLS problem and where to fix it: %s', async (_, database, code, message) => {
    const log = new CapturedLog();

    const booting = startApp(database(), log);

    await expect(booting).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(log.lines.filter((l) => /Retrying/.test(l.message))).toEqual([]);
  });

  it('the CLI connects with the url’s TLS settings, and doctor reports TLS in use with the certificate verified', async () => {
    const cli = await openCliDatabase({ DATABASE_URL: verifyUrl }, 'baofoo-cli');
    try {
      expect(await cli.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).toEqual([{ ssl: true }]);
    } finally {
      await cli.end();
    }

    const findings = await doctorFindings({ DATABASE_URL: verifyUrl });
    expect(findings.find((f) => f.check === 'database')).toMatchObject({ ok: true, detail: expect.stringMatching(/^reachable, schema at /) });
    expect(findings.find((f) => f.check === 'database TLS')).toMatchObject({ ok: true, detail: expect.stringMatching(/^in use \(TLSv1\.[23], .+\); the server's certificate was verified$/) });
    const unverified = await doctorFindings({ DATABASE_URL: `${plainUrl}?sslmode=no-verify` });
    expect(unverified.find((f) => f.check === 'database TLS')?.detail).toMatch(/was NOT verified/);
    const plain = await doctorFindings({ DATABASE_URL: plainUrl });
    expect(plain.find((f) => f.check === 'database')).toMatchObject({ ok: false, detail: expect.stringMatching(/^cannot connect with DATABASE_URL \(the database accepts only TLS connections/) });
  });

  it('doctor says TLS is not in use on a server reached without it', async () => {
    const findings = await doctorFindings({ DATABASE_URL: process.env.DATABASE_URL });

    expect(findings.find((f) => f.check === 'database TLS')).toMatchObject({ ok: true, detail: expect.stringMatching(/^not in use: the connection is not encrypted/) });
  });
});
