// A gateway-like sender in a process of its own: it retries each success
// notification until it reads OK, `senders` at a time, and freezes the whole
// database server (SIGSTOP) when the OK answers reach each of `stallAtOk`,
// right after it sends the next request.
// Run apart from the app, so the times it measures are the app's (its own
// requests, connections and timers do not wait behind the app's work on one
// event loop), and the stalls follow the storm's own progress: a fast machine
// cannot finish the storm before a stall that a slower process would start.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const now = () => performance.timeOrigin + performance.now();

/** The postmaster of the cluster in `dataDir` and every process it forked, read from /proc. */
function clusterPids(dataDir) {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent; the command name (field 2) may hold spaces, so read after its ')'.
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

function signalAll(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

process.once('message', async ({ baseUrl, orders, senders, retryMs, dataDir, stallAtOk, stallMs }) => {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const queue = [...orders];
  const pendingStalls = [...stallAtOk];
  const stalls = [];
  let okCount = 0;
  let armed = false;

  // Armed by the OK answer that reaches a threshold; fired by the next request sent, synchronously after its
  // fetch() began, so at least that request is sent before the stall and caught by it, whatever the timing.
  function arm() {
    if (armed || pendingStalls.length === 0 || okCount < pendingStalls[0]) return;
    pendingStalls.shift();
    armed = true;
  }

  function stallIfArmed() {
    if (!armed) return;
    armed = false;
    const pids = clusterPids(dataDir);
    // Told first, so the test can resume the server whatever becomes of this process.
    process.send({ stopping: pids });
    const from = now();
    signalAll(pids, 'SIGSTOP');
    stalls.push(new Promise((resolve) => setTimeout(() => {
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
        stallIfArmed();
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
  // A stall that began with the last answers still ends before the sender reports it is done.
  await Promise.all(stalls);
  loopDelay.disable();
  process.send({ done: { worstLoopDelayMs: loopDelay.max / 1e6 } }, () => process.disconnect());
});
