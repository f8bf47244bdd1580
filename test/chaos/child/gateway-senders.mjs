// A gateway-like sender in a process of its own: it retries each success
// notification until it reads OK, `senders` at a time. Run apart from the app,
// so the times it measures are the app's (its own requests, connections and
// timers do not wait behind the app's work on one event loop).
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const now = () => performance.timeOrigin + performance.now();

process.once('message', async ({ baseUrl, orders, senders, retryMs }) => {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const queue = [...orders];
  async function send({ transId, body }) {
    for (;;) {
      const startedAt = now();
      let ok = false;
      let said = '';
      try {
        const res = await fetch(`${baseUrl}/baofoo/notify`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        said = `${res.status} ${text.slice(0, 40)}`;
        ok = res.status === 200 && text === 'OK';
      } catch (e) {
        said = e.message;
      }
      process.send({ answer: { transId, ok, ms: now() - startedAt, startedAt, said } });
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
  await Promise.all(Array.from({ length: senders }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await send(next);
  }));
  loopDelay.disable();
  process.send({ done: { worstLoopDelayMs: loopDelay.max / 1e6 } }, () => process.disconnect());
});
