/** MemberID (商户号) and TerminalID (终端号): the digits the gateway assigned, at most 20. */
export const MERCHANT_NUMBER_PATTERN = /^[0-9]{1,20}$/;
