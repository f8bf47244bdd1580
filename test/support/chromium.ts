import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { aptInstall } from '../../src/infra/apt-get.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

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
