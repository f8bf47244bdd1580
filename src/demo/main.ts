import { Logger } from '@nestjs/common';
import { bootstrapDemo } from './bootstrap-demo.ts';

/** `npm start`: the demo shop, its database and (in sandbox mode) the sandbox gateway. */
async function main(): Promise<void> {
  const demo = await bootstrapDemo();
  // Plain output on purpose: these lines are what a new user looks for.
  console.log('');
  console.log(`  Demo shop:       ${demo.url}/`);
  console.log(`  Orders:          ${demo.url}/orders`);
  console.log(`  JSON API:        ${demo.url}/api/orders`);
  console.log(`  Health:          ${demo.url}/health`);
  console.log(`  Operator board:  ${demo.url}/admin`);
  console.log(`  Metrics:         ${demo.url}/metrics`);
  if (demo.sandbox) console.log(`  Sandbox gateway: ${demo.sandbox.url}/_sandbox/records`);
  console.log('');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('Demo').log(`${signal}: stopping`);
    void demo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: Error) => {
  new Logger('Demo').error(e.stack ?? e.message);
  process.exit(1);
});
