import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formBody, successFields } from '../notifications/notification-support.ts';

/** One answer the sender read (or the fetch error it got instead). */
export interface SenderAnswer {
  transId: string;
  ok: boolean;
  ms: number;
  startedAt: number;
  /** Status and start of the body, or the fetch error. */
  said: string;
}

export interface StormSettings {
  baseUrl: string;
  transIds: readonly string[];
  money: number;
  senders: number;
  retryMs: number;
  /** The cluster's data directory, for the stalls. */
  dataDir?: string;
  stallAtOk?: number[];
  stallMs?: number;
  /** OK counts at which the sender asks for a fault (`{ fault: { index, at } }`); answer `{ faultDone: index }`. */
  faultAtOk?: number[];
}

export interface Storm {
  sender: ChildProcess;
  /** Every answer so far, in the order they came. */
  answers: SenderAnswer[];
  /** Resolves with the sender's worst event-loop delay (ms) once every order was answered OK and every fault ended. */
  done: Promise<number>;
}

/**
 * The gateway-like sender (child/gateway-senders.mjs) in a process of its own,
 * able to import the project's TypeScript, sending a success notification for
 * each of `transIds`; `onMessage` hears the sender's other messages (stalls, faults).
 */
export function startStorm({ transIds, money, ...settings }: StormSettings, onMessage: (message: Record<string, unknown>) => void = () => undefined): Storm {
  const sender = fork(fileURLToPath(new URL('./child/gateway-senders.mjs', import.meta.url)), [], {
    execArgv: ['--import', new URL('../events/child/swc-register.mjs', import.meta.url).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const answers: SenderAnswer[] = [];
  const done = new Promise<number>((resolve, reject) => {
    sender.on('message', (m: { answer?: SenderAnswer; done?: { worstLoopDelayMs: number } }) => {
      if (m.answer) answers.push(m.answer);
      else if (m.done) resolve(m.done.worstLoopDelayMs);
      else onMessage(m);
    });
    sender.once('exit', (code) => reject(new Error(`the sender process exited (${code}) before it was done`)));
  });
  sender.send({ ...settings, orders: transIds.map((transId) => ({ transId, body: formBody(successFields(transId, money)) })) });
  return { sender, answers, done };
}
