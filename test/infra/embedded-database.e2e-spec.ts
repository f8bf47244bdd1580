import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmbeddedDatabase } from '../../src/infra/embedded-database.ts';

describe('an embedded PostgreSQL that fails to start', () => {
  let busy: Server;
  let port: number;
  let scratch: string;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as { port: number }).port;
    scratch = mkdtempSync(join(tmpdir(), 'baofoo-failed-start-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('leaves nothing in the temporary folder: no cluster, no copy of the binaries, no password file', async () => {
    const previous = process.env.TMPDIR;
    // os.tmpdir() follows TMPDIR, so everything the start creates lands in a folder this test alone watches.
    process.env.TMPDIR = scratch;
    try {
      await expect(startEmbeddedDatabase({ port })).rejects.toThrow();
    } finally {
      process.env.TMPDIR = previous;
      if (previous === undefined) delete process.env.TMPDIR;
    }

    expect(readdirSync(scratch)).toEqual([]);
  });
});
