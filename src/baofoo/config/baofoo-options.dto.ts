import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { TOPOLOGY_SETTINGS, type TopologySetting } from '../database/database-topology.ts';
import { CHARSETS } from '../protocol/charset.ts';
import { IntRange, IsSwitch, NumberRange } from './option-validators.ts';
import { MERCHANT_NUMBER_PATTERN } from '../protocol/merchant-number.ts';

/*
 * class-validator shapes of the module options: checked at boot, so a typo in
 * a config file stops the app instead of failing the first payment.
 */

export class KeyDto {
  // The ledger records which key verified a notification in key_id varchar(64): a longer id would fail every settlement.
  @IsString() @IsNotEmpty() @MaxLength(64, { message: 'is longer than 64 characters (the ledger keeps 64): shorten it' }) id!: string;
  @IsString() @IsNotEmpty({ message: 'is empty: set the key' }) secret!: string;
  @IsOptional() retiresAt?: string | Date;
  @IsOptional() @IsIn(['encrypted', 'file', 'plain']) storage?: string;
  @IsOptional() @IsBoolean() masterKeyBeside?: boolean;
}

export class MerchantDto {
  @Matches(MERCHANT_NUMBER_PATTERN, { message: 'must be the digits of the MemberID (商户号)' }) memberId!: string;
  @Matches(MERCHANT_NUMBER_PATTERN, { message: 'must be the digits of the TerminalID (终端号)' }) terminalId!: string;
  @IsArray()
  @ArrayMinSize(1, { message: 'a merchant needs at least one key' })
  @ValidateNested({ each: true })
  @Type(() => KeyDto)
  keys!: KeyDto[];
}

const PATH = /^\/[A-Za-z0-9._~\-/]*$/;

export class RefusalsDto {
  @IsOptional() @IntRange(1, 86_400) windowSeconds?: number;
  @IsOptional() @IntRange(0, 1000) samplesPerSource?: number;
  @IsOptional() @IntRange(1, 1_000_000) maxSources?: number;
  @IsOptional() @IntRange(0, 100_000) maxPendingSamples?: number;
  @IsOptional() @IntRange(10, 600_000) flushIntervalMs?: number;
}

export class NotificationDto {
  @IsOptional() @Matches(PATH, { message: 'must be a URL path like /baofoo/notify/<secret>' }) path?: string;
  @IsOptional() @Matches(PATH, { message: 'must be a URL path like /baofoo/return' }) pagePath?: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL like https://shop.example.com, not "$value"' }) publicBaseUrl?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) allowedIps?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) trustedProxies?: string[];
  @IsOptional() @IntRange(512, 1_048_576) maxBodyBytes?: number;
  @IsOptional() @IntRange(9, 1000) maxParameters?: number;
  @IsOptional() @IntRange(100, 300_000) readTimeoutMs?: number;
  @IsOptional() @IsArray() routeMetadata?: unknown[];
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL, not "$value"' }) pageRedirectUrl?: string;
  @IsOptional() @IsIn(['review', 'settle'], { message: 'must be review or settle, not "$value"' }) additionalInfoMismatch?: 'review' | 'settle';
  @IsOptional() @ValidateNested() @Type(() => RefusalsDto) refusals?: RefusalsDto;
}

export class ReconciliationDto {
  @IsOptional() @IsString() cron?: string;
  @IsOptional() @IsSwitch() enabled?: boolean;
  @IsOptional() @IntRange(1, 10_000) batchSize?: number;
  @IsOptional() @IntRange(1, 256) concurrency?: number;
  @IsOptional() @IntRange(0) firstQueryAfterSeconds?: number;
  @IsOptional() @IntRange(0) graceSeconds?: number;
  @IsOptional() @IntRange(60) maxAgeSeconds?: number;
  @IsOptional() @IntRange(100, 120_000) queryTimeoutMs?: number;
  @IsOptional() @IntRange(1, 10_000) maxQueriesPerMinute?: number;
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
      defaultMessage: (args) => `must not be below ${sibling} (${(args?.object as Record<string, unknown>)[sibling]})`,
    },
  });
}

// delay_ms is an int column of the delivery records: a day is far inside it.
const DAY_MS = 86_400_000;

export class BackoffDto {
  @IsOptional() @IntRange(0, DAY_MS) baseMs?: number;
  @IsOptional() @NumberRange(1, 100) factor?: number;
  @IsOptional() @IntRange(0, DAY_MS) @NotBelow('baseMs') maxMs?: number;
  @IsOptional() @NumberRange(0, 1) jitter?: number;
}

/** Delivery settings, both of the module (`outbox.delivery`) and of one `@OnBaofooEvent` listener. */
export class DeliveryDto {
  @IsOptional() @IntRange(1, 100) attempts?: number;
  @IsOptional() @ValidateNested() @Type(() => BackoffDto) backoff?: BackoffDto;
  @IsOptional() @IntRange(10, 3_600_000) timeoutMs?: number;
}

export class OutboxDto {
  @IsOptional() @IntRange(10, 600_000) pollIntervalMs?: number;
  @IsOptional() @ValidateNested() @Type(() => DeliveryDto) delivery?: DeliveryDto;
  @IsOptional() @IntRange(1, 100) maxAttempts?: number;
  @IsOptional() @IsSwitch() enabled?: boolean;
}

export class DatabaseDto {
  @IsOptional() @IntRange(1, 1000) poolSize?: number;
  @IsOptional() @IntRange(0, 1000) poolMin?: number;
  @IsOptional() @IntRange(1000, 86_400_000) idleTimeoutMs?: number;
  @IsOptional() @IntRange(10, 600_000) statementTimeoutMs?: number;
  @IsOptional() @IntRange(10, 600_000) connectTimeoutMs?: number;
  @IsOptional() @IntRange(10, 600_000) answerWithinMs?: number;
  @IsOptional() @IntRange(1, 1000) settleBatchSize?: number;
  @IsOptional() @IntRange(1, 64) settleBatchesInFlight?: number;
  @IsOptional() @IsIn(TOPOLOGY_SETTINGS, { message: 'must be auto, direct, session or transaction, not "$value"' }) topology?: TopologySetting;
  @IsOptional() @IsIn(['auto', true, false], { message: 'must be auto, true or false, not "$value"' }) preparedStatements?: 'auto' | boolean;
  @IsOptional() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL to PostgreSQL directly' }) listenUrl?: string;
}

export class BaofooOptionsDto {
  @IsIn(['sandbox', 'test', 'production'], { message: 'must be sandbox, test or production, not "$value"' }) environment!: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http(s) URL like http://127.0.0.1:3100, not "$value"' })
  sandboxUrl?: string;
  @IsArray()
  @ArrayMinSize(1, { message: 'no merchant is configured: set BAOFOO_MEMBER_ID, BAOFOO_TERMINAL_ID and a key (or BAOFOO_MERCHANTS) in the environment, or merchants in the module options' })
  @ValidateNested({ each: true })
  @Type(() => MerchantDto)
  merchants!: MerchantDto[];
  @IsOptional() @IsIn(CHARSETS, { message: `must be one of ${CHARSETS.join(', ')}, not "$value"` }) charset?: string;
  @IsOptional() @IsString() timeZone?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) boundDomains?: string[];
  @IsOptional() @IsSwitch() keyFileIsMountedSecret?: boolean;
  @IsOptional() @IsSwitch() allowSandboxInProduction?: boolean;
  @IsOptional() @ValidateNested() @Type(() => NotificationDto) notification?: NotificationDto;
  @IsOptional() @ValidateNested() @Type(() => ReconciliationDto) reconciliation?: ReconciliationDto;
  @IsOptional() @ValidateNested() @Type(() => OutboxDto) outbox?: OutboxDto;
  @IsOptional() @ValidateNested() @Type(() => DatabaseDto) database?: DatabaseDto;
}
