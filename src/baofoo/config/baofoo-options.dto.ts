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
  ValidateNested,
} from 'class-validator';
import { TOPOLOGY_SETTINGS, type TopologySetting } from '../database/database-topology.ts';
import { CHARSETS } from '../protocol/charset.ts';
import { IntRange, IsSwitch } from './option-validators.ts';

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
  @Matches(/^[0-9]{1,20}$/, { message: 'must be the digits of the MemberID (商户号)' }) memberId!: string;
  @Matches(/^[0-9]{1,20}$/, { message: 'must be the digits of the TerminalID (终端号)' }) terminalId!: string;
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

export class OutboxDto {
  @IsOptional() @IntRange(10, 600_000) pollIntervalMs?: number;
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
