import { IsInt, IsOptional, IsPositive, IsString, Matches } from 'class-validator';
import { MERCHANT_NUMBER_PATTERN } from '../protocol/merchant-number.ts';

/** What the app asks for one payment. Amounts are integer fen. */
export class CreatePaymentDto {
  /** Amount in fen (1 yuan = 100 fen). */
  @IsInt({ message: 'orderMoney must be a whole number of fen' })
  @IsPositive({ message: 'orderMoney must be positive' })
  orderMoney!: number;

  /** A PayID from the catalog, or '' to let the shopper choose at the gateway's cashier. */
  @IsOptional() @IsString() payId?: string;

  /** Your order number (8–20 letters and digits); generated when absent. */
  @IsOptional() @Matches(/^[A-Za-z0-9]{8,20}$/, { message: 'transId must be 8 to 20 letters and digits' }) transId?: string;

  // Lengths are checked once, as the gateway counts them: FIELD_MAX_CHARACTERS.
  @IsOptional() @IsString() productName?: string;
  @IsOptional() @IsString() username?: string;
  @IsOptional() @IsString() additionalInfo?: string;

  /** Browser return address; defaults to publicBaseUrl + pagePath. */
  @IsOptional() @IsString() pageUrl?: string;
  /** Notification address; defaults to publicBaseUrl + notification path. */
  @IsOptional() @IsString() returnUrl?: string;

  /** Which merchant, when several are configured; the first by default. */
  @IsOptional() @Matches(MERCHANT_NUMBER_PATTERN) memberId?: string;
  @IsOptional() @Matches(MERCHANT_NUMBER_PATTERN) terminalId?: string;
}
