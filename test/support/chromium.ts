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

const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

function aptInstall(packages: string[]): void {
  try {
    aptGet(['install', '-y', '--no-install-recommends', ...packages]);
  } catch {
    // A fresh image has empty package lists; refreshing them costs time, so only on failure.
    aptGet(['update']);
    aptGet(['install', '-y', '--no-install-recommends', ...packages]);
  }
}

/**
 * Debian's chromium, with the Noto CJK fonts beside it so Chinese bank and
 * product names render in screenshots, installed on first use: a fresh CI
 * image has neither.
 */
export function ensureChromium(): string {
  const missing = [...(existsSync(CHROMIUM_PATH) ? [] : ['chromium']), ...(existsSync(CJK_FONT) ? [] : ['fonts-noto-cjk'])];
  if (missing.length > 0) aptInstall(missing);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium was installed but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
