import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { loadCliEnv } from '../cli-env.ts';
import { memoryIo } from '../cli-io.ts';
import { runCli } from '../main.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DEVELOPMENT = loadCliEnv({ NODE_ENV: 'development' }, ROOT);

describe('asyncapi', () => {
  it('prints what asyncapi/baofoo-events.json holds, which `npm run asyncapi` writes from it', async () => {
    const io = memoryIo();

    expect(await runCli(['asyncapi'], DEVELOPMENT, io)).toBe(0);
    expect(`${io.stdout.join('\n')}\n`).toBe(readFileSync(new URL('../../../asyncapi/baofoo-events.json', import.meta.url), 'utf8'));
  });

  it('takes no argument', async () => {
    const io = memoryIo();

    expect(await runCli(['asyncapi', 'extra'], DEVELOPMENT, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('asyncapi: unexpected argument extra');
  });
});
