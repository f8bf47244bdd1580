import { html, raw, type SafeHtml } from './board-html.ts';
import { formatBoardTime, type BoardTimes } from './board-time.ts';
import { STATUS_COLOURS } from './status-chart.ts';

const STYLE = raw(`body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:0;color:#1d2530;background:#f6f7f9}
header{background:#1d2530;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:center}header a{color:#fff}
main{padding:16px 20px;max-width:1200px}section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;margin-bottom:16px}
h1{font-size:18px;margin:0}h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eef0f3;vertical-align:top}th{color:#5c6670;font-weight:600}
.status{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px}.empty{color:#8a939c}
.notice{padding:8px 12px;border-radius:4px;margin-bottom:12px}.ok{background:#e6f4ea}.error{background:#fdecea}
form.inline{display:flex;gap:4px;flex-wrap:wrap;align-items:center}input,select,button{font:inherit;font-size:13px}code{font-size:12px;word-break:break-all}
.warn{color:#a15c00}tr.unverified{background:repeating-linear-gradient(135deg,#fff,#fff 6px,#f3f4f6 6px,#f3f4f6 12px);color:#6b7280}
.unverified-label{display:inline-block;border:1px dashed #a15c00;color:#a15c00;border-radius:3px;padding:0 4px;font-size:11px}
.stats{display:flex;gap:24px}.stats div{font-size:13px}.stats b{display:block;font-size:20px}`);

export interface BoardPageContext {
  /** The board's base path, e.g. `/admin`. */
  base: string;
  /** Whether the operator's name comes from the request (then the form does not ask). */
  operatorKnown: boolean;
  times: BoardTimes;
  notice?: { kind: 'ok' | 'error'; text: string };
}

export const status = (s: unknown) => html`<span class="status" style="background:${STATUS_COLOURS[String(s)] ?? '#666'}" data-status="${String(s)}">${String(s)}</span>`;
/** A time from the database, in the board's zone and naming it; empty for none. */
export const time = (ctx: BoardPageContext, t: unknown) => (t ? formatBoardTime(new Date(t as string), ctx.times.zone) : '');
/** The board's link to an order's story. */
export const orderHref = (ctx: BoardPageContext, transId: string) => `${ctx.base}/orders/${encodeURIComponent(transId)}`;

export function layout(ctx: BoardPageContext, title: string, body: SafeHtml): string {
  const notice = ctx.notice && html`<div class="notice ${ctx.notice.kind}" id="notice">${ctx.notice.text}</div>`;
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head>
<body><header><h1><a href="${ctx.base}">Baofoo operations</a></h1>
<form class="inline" method="get" action="${ctx.base}/search"><input name="transId" placeholder="TransID" required maxlength="64" aria-label="TransID"><button type="submit">Search</button></form></header>
<main>${notice}${body}</main></body></html>`.markup;
}

export function table(headers: string[], rows: SafeHtml[], empty: string, id: string): SafeHtml {
  if (rows.length === 0) return html`<p class="empty" id="${id}-empty">${empty}</p>`;
  return html`<table id="${id}"><thead><tr>${headers.map((x) => html`<th>${x}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
}
