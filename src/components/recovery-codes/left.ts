import { FEW_RECOVERY_CODES_LEFT } from '../../domain/recovery-codes';

/** Whether so few recovery codes are left that the account holder is urged to make new ones (views/components/recovery-codes/few-left.ejs). */
export const fewCodesLeft = (remaining: number): boolean => remaining <= FEW_RECOVERY_CODES_LEFT;
