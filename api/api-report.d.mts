// Types of api-report.mjs, for api-report.spec.ts.
export declare const ROOT: string;
export declare const REPORT_PATH: string;
export declare const CHANGELOG_PATH: string;
export declare function publicEntries(root?: string): { specifier: string; source: string }[];
export declare function listSurface(root?: string): string;
export declare function surfaceId(listing: string): string;
export declare function renderReport(listing: string): string;
export declare function changelogSurfaceIds(changelog: string): string[];
