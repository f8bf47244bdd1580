import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const INSTALL_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

function aptGet(args: string[]): void {
  const sudo = userInfo().uid === 0 ? [] : ['sudo', '-n'];
  const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
  execFileSync(cmd, rest, { stdio: 'inherit', env: INSTALL_ENV, timeout: 600_000 });
}

/** Debian's chromium, installed on first use: a fresh CI image has no browser. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  try {
    aptGet(['install', '-y', '--no-install-recommends', 'chromium']);
  } catch {
    // A fresh image has empty package lists; refreshing them costs time, so only on failure.
    aptGet(['update']);
    aptGet(['install', '-y', '--no-install-recommends', 'chromium']);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium was installed but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
