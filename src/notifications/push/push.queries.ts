/*
 * The SQL of push subscriptions. A user keeps at most MAX_SUBSCRIPTIONS_PER_USER: a registration beyond them drops
 * that user's oldest (by id, push_subscriptions_user_id_idx), in the same statement, so two devices registering at
 * once cannot both slip past the cap unseen for long (the next registration trims again).
 */
import { prepared } from '../../database/prepared-statements.js';

export const MAX_SUBSCRIPTIONS_PER_USER = 10;

/** Registers or refreshes an endpoint for `userId` (an endpoint another user had moves to this one); its id. */
export const UPSERT_SUBSCRIPTION = prepared<
  { id: number },
  [userId: number, endpoint: string, p256dh: string, auth: string]
>(
  'upsert_push_subscription',
  `WITH saved AS (
    INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4)
    ON CONFLICT (endpoint) DO UPDATE
      SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, updated_at = now()
    RETURNING id
  ), oldest AS (
    DELETE FROM push_subscriptions WHERE id IN (
      SELECT id FROM push_subscriptions WHERE user_id = $1 AND id NOT IN (SELECT id FROM saved)
      ORDER BY id DESC OFFSET ${MAX_SUBSCRIPTIONS_PER_USER - 1}
    )
  )
  SELECT id FROM saved`,
);

/** Removes one of the caller's subscriptions; `deleted` false when it was not theirs or not there. */
export const DELETE_OWN_SUBSCRIPTION = prepared<{ id: number }, [userId: number, id: number]>(
  'delete_own_push_subscription',
  'DELETE FROM push_subscriptions WHERE user_id = $1 AND id = $2 RETURNING id',
);
