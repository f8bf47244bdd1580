// A gateway-like sender in a process of its own: it retries each success
// notification until it reads OK, `senders` at a time, and brings a fault on
// when the OK answers reach each threshold, right after it sends the next
// request: it freezes the whole database server (SIGSTOP) itself at each of
// `stallAtOk`, and asks the parent for fault `index` at each of `faultAtOk`
// (`{ fault: { index, at } }`), arming the next one only once the parent
// answers `{ faultDone: index }`.
// Run apart from the app, so the times it measures are the app's (its own
// requests, connections and timers do not wait behind the app's work on one
// event loop), and the faults follow the storm's own progress: a fast machine
// cannot finish the storm before a fault that a slower process would start.
// Forked with test/events/child/swc-register.mjs, so it can import the project's TypeScript.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { clusterProcesses } from '../../../src/infra/embedded-database.ts';

const now = () => performance.timeOrigin + performance.now();

function signalAll(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

process.once('message', async ({ baseUrl, orders, senders, retryMs, dataDir, stallAtOk = [], stallMs, faultAtOk = [] }) => {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const queue = [...orders];
  const pending = [...stallAtOk.map((at) => ({ at, stall: true })), ...faultAtOk.map((at, index) => ({ at, index }))].sort((a, b) => a.at - b.at);
  // What ends each fault already brought on: the stalls' timers and the parent's answers.
  const faults = [];
  let parentFault = null;
  let okCount = 0;
  let armed = null;

  process.on('message', ({ faultDone }) => {
    if (faultDone === undefined || parentFault?.index !== faultDone) return;
    parentFault.done();
    parentFault = null;
    arm();
  });

  // Armed by the OK answer that reaches a threshold; fired by the next request sent, synchronously after its
  // fetch() began, so at least that request is sent before the fault and caught by it, whatever the timing.
  function arm() {
    if (armed || parentFault || pending.length === 0 || okCount < pending[0].at) return;
    armed = pending.shift();
  }

  function faultIfArmed() {
    if (!armed) return;
    const fault = armed;
    armed = null;
    if (fault.stall) stall();
    else {
      faults.push(new Promise((done) => {
        parentFault = { index: fault.index, done };
      }));
      process.send({ fault: { index: fault.index, at: now() } });
    }
  }

  function stall() {
    const pids = clusterProcesses(dataDir);
    // Told first, so the test can resume the server whatever becomes of this process.
    process.send({ stopping: pids });
    const from = now();
    signalAll(pids, 'SIGSTOP');
    faults.push(new Promise((resolve) => setTimeout(() => {
      signalAll(pids, 'SIGCONT');
      const stall = { from, to: now() };
      process.send({ stall });
      resolve(stall);
    }, stallMs)));
  }

  async function send({ transId, body }) {
    for (;;) {
      const startedAt = now();
      let ok = false;
      let said = '';
      try {
        const answer = fetch(`${baseUrl}/baofoo/notify`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        faultIfArmed();
        const res = await answer;
        const text = await res.text();
        said = `${res.status} ${text.slice(0, 40)}`;
        ok = res.status === 200 && text === 'OK';
      } catch (e) {
        said = e.message;
      }
      process.send({ answer: { transId, ok, ms: now() - startedAt, startedAt, said } });
      if (ok) {
        okCount += 1;
        arm();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
  await Promise.all(Array.from({ length: senders }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await send(next);
  }));
  // A fault that began with the last answers still ends before the sender reports it is done.
  await Promise.all(faults);
  loopDelay.disable();
  process.send({ done: { worstLoopDelayMs: loopDelay.max / 1e6 } }, () => process.disconnect());
});
