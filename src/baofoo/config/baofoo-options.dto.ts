import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  IsNumber,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { TOPOLOGY_SETTINGS, type TopologySetting } from '../database/database-topology.ts';
import { CHARSETS } from '../protocol/charset.ts';

/*
 * class-validator shapes of the module options: checked at boot, so a typo in
 * a config file stops the app instead of failing the first payment.
 */

export class KeyDto {
  // The ledger records which key verified a notification in key_id varchar(64): a longer id would fail every settlement.
  @IsString() @IsNotEmpty() @MaxLength(64, { message: 'a key id is longer than 64 characters (the ledger keeps 64): shorten BAOFOO_KEY_ID / the key id' }) id!: string;
  @IsString() @IsNotEmpty({ message: 'a merchant key is empty: set it from BAOFOO_KEY, BAOFOO_KEY_FILE or BAOFOO_KEY_ENCRYPTED' }) secret!: string;
  @IsOptional() retiresAt?: string | Date;
  @IsOptional() @IsIn(['encrypted', 'file', 'plain']) storage?: string;
  @IsOptional() @IsBoolean() masterKeyBeside?: boolean;
}

export class MerchantDto {
  @Matches(/^[0-9]{1,20}$/, { message: 'memberId must be the digits of the MemberID' }) memberId!: string;
  @Matches(/^[0-9]{1,20}$/, { message: 'terminalId must be the digits of the TerminalID' }) terminalId!: string;
  @IsArray()
  @ArrayMinSize(1, { message: 'each merchant needs at least one key: set BAOFOO_KEY, BAOFOO_KEY_FILE or BAOFOO_KEY_ENCRYPTED' })
  @ValidateNested({ each: true })
  @Type(() => KeyDto)
  keys!: KeyDto[];
}

const PATH = /^\/[A-Za-z0-9._~\-/]*$/;

export class RefusalsDto {
  @IsOptional() @IsInt() @Min(1) @Max(86_400) windowSeconds?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1000) samplesPerSource?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) maxSources?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100_000) maxPendingSamples?: number;
  @IsOptional() @IsInt() @Min(10) @Max(600_000) flushIntervalMs?: number;
}

export class NotificationDto {
  @IsOptional() @Matches(PATH, { message: 'notification.path must be a URL path like /baofoo/notify/<secret>' }) path?: string;
  @IsOptional() @Matches(PATH, { message: 'notification.pagePath must be a URL path like /baofoo/return' }) pagePath?: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) publicBaseUrl?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) allowedIps?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) trustedProxies?: string[];
  @IsOptional() @IsInt() @Min(512) @Max(1_048_576) maxBodyBytes?: number;
  @IsOptional() @IsInt() @Min(9) @Max(1000) maxParameters?: number;
  @IsOptional() @IsInt() @Min(100) @Max(300_000) readTimeoutMs?: number;
  @IsOptional() @IsArray() routeMetadata?: unknown[];
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) pageRedirectUrl?: string;
  @IsOptional() @IsIn(['review', 'settle']) additionalInfoMismatch?: 'review' | 'settle';
  @IsOptional() @ValidateNested() @Type(() => RefusalsDto) refusals?: RefusalsDto;
}

export class ReconciliationDto {
  @IsOptional() @IsString() cron?: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(10_000) batchSize?: number;
  @IsOptional() @IsInt() @Min(1) @Max(256) concurrency?: number;
  @IsOptional() @IsInt() @Min(0) firstQueryAfterSeconds?: number;
  @IsOptional() @IsInt() @Min(0) graceSeconds?: number;
  @IsOptional() @IsInt() @Min(60) maxAgeSeconds?: number;
  @IsOptional() @IsInt() @Min(100) @Max(120_000) queryTimeoutMs?: number;
  @IsOptional() @IsInt() @Min(1) @Max(10_000) maxQueriesPerMinute?: number;
}

/** The property is not below the number in `sibling` of the same object (when both are numbers). */
function NotBelow(sibling: string) {
  return ValidateBy({
    name: 'notBelow',
    constraints: [sibling],
    validator: {
      validate: (value, args) => {
        const other = (args?.object as Record<string, unknown>)[sibling];
        return typeof value !== 'number' || typeof other !== 'number' || value >= other;
      },
      defaultMessage: (args) => `${args?.property} must not be below ${sibling} (${(args?.object as Record<string, unknown>)[sibling]})`,
    },
  });
}

// delay_ms is an int column of the delivery records: a day is far inside it.
const DAY_MS = 86_400_000;

export class BackoffDto {
  @IsOptional() @IsInt() @Min(0) @Max(DAY_MS) baseMs?: number;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(1) @Max(100) factor?: number;
  @IsOptional() @IsInt() @Min(0) @Max(DAY_MS) @NotBelow('baseMs') maxMs?: number;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1) jitter?: number;
}

/** Delivery settings, both of the module (`outbox.delivery`) and of one `@OnBaofooEvent` listener. */
export class DeliveryDto {
  @IsOptional() @IsInt() @Min(1) @Max(100) attempts?: number;
  @IsOptional() @ValidateNested() @Type(() => BackoffDto) backoff?: BackoffDto;
  @IsOptional() @IsInt() @Min(10) @Max(3_600_000) timeoutMs?: number;
}

export class OutboxDto {
  @IsOptional() @IsInt() @Min(10) @Max(600_000) pollIntervalMs?: number;
  @IsOptional() @ValidateNested() @Type(() => DeliveryDto) delivery?: DeliveryDto;
  @IsOptional() @IsInt() @Min(1) @Max(100) maxAttempts?: number;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class DatabaseDto {
  @IsOptional() @IsInt() @Min(1) @Max(1000) poolSize?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1000) poolMin?: number;
  @IsOptional() @IsInt() @Min(1000) @Max(86_400_000) idleTimeoutMs?: number;
  @IsOptional() @IsInt() @Min(10) @Max(600_000) statementTimeoutMs?: number;
  @IsOptional() @IsInt() @Min(10) @Max(600_000) connectTimeoutMs?: number;
  @IsOptional() @IsInt() @Min(10) @Max(600_000) answerWithinMs?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) settleBatchSize?: number;
  @IsOptional() @IsInt() @Min(1) @Max(64) settleBatchesInFlight?: number;
  @IsOptional() @IsIn(TOPOLOGY_SETTINGS, { message: 'database.topology must be auto, direct, session or transaction (BAOFOO_DB_TOPOLOGY)' }) topology?: TopologySetting;
  @IsOptional() @IsIn(['auto', true, false], { message: 'database.preparedStatements must be auto, true or false (BAOFOO_DB_PREPARED_STATEMENTS)' }) preparedStatements?: 'auto' | boolean;
  @IsOptional() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'database.listenUrl must be a postgres:// URL to PostgreSQL directly (BAOFOO_DB_LISTEN_URL)' }) listenUrl?: string;
}

export class BaofooOptionsDto {
  @IsIn(['sandbox', 'test', 'production'], { message: 'environment must be sandbox, test or production (BAOFOO_ENV)' }) environment!: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'sandboxUrl must be an http(s) URL like http://127.0.0.1:3100 (BAOFOO_SANDBOX_URL)' })
  sandboxUrl?: string;
  @IsArray()
  @ArrayMinSize(1, { message: 'configure at least one merchant (BAOFOO_MEMBER_ID, BAOFOO_TERMINAL_ID and a key)' })
  @ValidateNested({ each: true })
  @Type(() => MerchantDto)
  merchants!: MerchantDto[];
  @IsOptional() @IsIn(CHARSETS) charset?: string;
  @IsOptional() @IsString() timeZone?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) boundDomains?: string[];
  @IsOptional() @IsBoolean() keyFileIsMountedSecret?: boolean;
  @IsOptional() @ValidateNested() @Type(() => NotificationDto) notification?: NotificationDto;
  @IsOptional() @ValidateNested() @Type(() => ReconciliationDto) reconciliation?: ReconciliationDto;
  @IsOptional() @ValidateNested() @Type(() => OutboxDto) outbox?: OutboxDto;
  @IsOptional() @ValidateNested() @Type(() => DatabaseDto) database?: DatabaseDto;
}
