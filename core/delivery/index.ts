// The delivery service's public surface; see README.md for what each module holds.
export { ForecastChecks, deliveryProgress, warnIfForecastLate } from './forecast';
export type { DeliveryProgress } from './forecast';
export {
  addressOf,
  composeNotice,
  isUsableAddress,
  noticeInputBuilder,
  recipientAddress,
} from './notice-message';
export { WITHHELD_TOKEN, withholdPageLink } from './page-link';
export { pageTokenHash, recipientPageToken } from './page-token';
export { RETURN_PATH_PREFIX, deliveryOfReturnPath, returnPathFor } from './return-path';
export { renderSentCopy, sentNoticeInput } from './sent-copy';
export type { SentCopy } from './sent-copy';
export { RateLimiter } from './rate-limiter';
export { deliverShardPass } from './shard-pass';
export type { DeliveryDeps, DeliveryPage, ShardPassOptions, ShardPassResult } from './shard-pass';
export { runShardPass } from './shard-engine';
export type { ShardSource } from './shard-engine';
export { deliverMailingShardPass } from './mailing-pass';
export type { MailingPage } from './mailing-pass';
