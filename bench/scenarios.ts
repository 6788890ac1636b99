/*
 * One scenario per endpoint: the HTTP request the load generator sends, and the same
 * SQL the endpoint issues (token lookup included) for the pg baseline.
 */
import type pg from 'pg';
import { AUTHENTICATE, TOUCH_LAST_SEEN } from '../src/auth/session.queries.js';
import { hashToken } from '../src/auth/tokens.js';
import { LIST_CHATS, MARK_READ, OLDER_PAGE } from '../src/chats/chat.queries.js';
import { MAX_BIGINT } from '../src/common/keyset-page.js';
import { runPrepared as run } from '../src/database/prepared-statements.js';
import { ADD_REACTION, EDIT, SEND } from '../src/messages/message.queries.js';
import { LIST_USERS, USER_EXISTS } from '../src/users/user.queries.js';
import type { HttpRequestSpec } from './load-types.js';
import { benchToken, HOT_PEER, HOT_USER } from './seed.js';

export interface Scenario {
  name: string;
  next: () => HttpRequestSpec;
  baseline: (pool: pg.Pool) => Promise<unknown>;
}

export interface ScenarioContext {
  users: number;
  hotChats: number;
  /** A message id deep in the hot chat's history, for a `before` page. */
  deepCursor: string;
  /** Messages the edit and reaction rows change, each with its sender (who has a session): seed.changeableMessages. */
  changeable: { id: string; sender_id: number }[];
}

/**
 * The bench service's MESSAGE_EDIT_WINDOW_SECONDS (run.ts sets it from this): 0, no limit, since the seeded
 * messages are a day old and the default window (900 s) would answer 403. The baseline passes the same.
 */
export const EDIT_WINDOW_SECONDS = 0;

/**
 * How many of the changeable messages the edit row cycles through: at most half of wrk's replayed script
 * (wrk.ts, 20 000 requests), so each message is edited at least twice in it and a replay from its start still
 * changes the text (an edit to the same text is a no-op that does less work).
 */
export const CHANGEABLE_MESSAGES = 10_000;

/**
 * MAX_REACTIONS_PER_USER of src/messages/messages.service.ts, which the service passes to ADD_REACTION. Not
 * imported: the service module pulls the app's event types into the bench's build.
 */
const MAX_REACTIONS_PER_USER = 20;

/**
 * The reaction row's emoji, one per pass over the changeable messages: each PUT adds a reaction its user has not
 * made yet (a repeat is a no-op that does less work), and a user's reactions on one message never pass
 * MAX_REACTIONS_PER_USER (a 409), however long the row runs. Single code points that are emoji as they stand.
 */
const REACTION_EMOJI = [...'😀😂😍😮😢🙏🔥🎉👀💯🚀👏🤔😎🥳🙌💪🌟🍕🎈'].slice(0, MAX_REACTIONS_PER_USER);

/** A write's statement returned no row: it changed nothing, so the service would have answered with a second one. */
function changed<T>(rows: T[], what: string): void {
  if (rows.length === 0) throw new Error(`${what} changed nothing`);
}

const PAGE = 50;
const NO_BOUND = String(MAX_BIGINT);
const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** The endpoint's token lookup, as the guard runs it (with its once-a-minute last_seen_at write). */
async function authenticate(pool: pg.Pool, token: string): Promise<void> {
  const [row] = await run(pool, AUTHENTICATE, [hashToken(token)]);
  if (row.last_seen_stale) await run(pool, TOUCH_LAST_SEEN, [row.user_id]);
}

function sendRequest(sender: number, recipient: number): HttpRequestSpec {
  return {
    method: 'POST',
    path: '/send',
    token: benchToken(sender),
    body: { user_id: recipient, message: 'bench message' },
  };
}

/**
 * The service runs with no Web Push keys and no webhook URL (bench/service.ts), so its statements write no outbox
 * events; the baseline runs them the same way. `npm run bench:notifications` measures them on.
 */
const OUTBOX = false;

async function sendStatements(pool: pg.Pool, sender: number, recipient: number): Promise<void> {
  await authenticate(pool, benchToken(sender));
  await run(pool, SEND, [sender, recipient, 'bench message', null, null, OUTBOX]);
}

export type ScenarioKey =
  | 'currentUser'
  | 'activeUsers'
  | 'chatList'
  | 'latestHistory'
  | 'deepHistory'
  | 'send'
  | 'sendOneConversation'
  | 'markRead'
  | 'editMessage'
  | 'addReaction';

/**
 * The two users of the one-conversation send row: both logged in (even ids), neither in the hot user's chats,
 * so the reads measured before it see the same data.
 */
const CONVERSATION = [4, 6] as const;

/** Every scenario by key, in the order the report lists them. */
export function buildScenarios(context: ScenarioContext): Record<ScenarioKey, Scenario> {
  const hotToken = benchToken(HOT_USER);
  const loggedInUser = () => 2 * randomInt(1, Math.floor(context.users / 2));
  const sendPair = () => {
    const sender = loggedInUser();
    let recipient = randomInt(2, context.users);
    if (recipient === sender) recipient = sender === context.users ? 2 : sender + 1;
    return { sender, recipient };
  };
  const conversationPair = () => {
    const [sender, recipient] = Math.random() < 0.5 ? CONVERSATION : [CONVERSATION[1], CONVERSATION[0]];
    return { sender, recipient };
  };
  const hotChatPeer = () => randomInt(HOT_PEER, context.hotChats + 1);
  const changeable = context.changeable.slice(0, CHANGEABLE_MESSAGES);
  const changeableAt = (n: number) => {
    if (changeable.length === 0) throw new Error('no changeable messages were seeded');
    return changeable[n % changeable.length];
  };
  // One sequence for the HTTP requests and the baseline, which change the same rows in alternating rounds:
  // every edit's text is new, and every reaction a (message, emoji) not added before.
  let edits = 0;
  const nextEdit = () => {
    const n = edits++;
    const { id, sender_id: sender } = changeableAt(n);
    return { id, sender, text: `bench edit ${n}` };
  };
  let reactions = 0;
  const nextReaction = () => {
    const n = reactions++;
    const { id, sender_id: user } = changeableAt(n);
    return { id, user, emoji: REACTION_EMOJI[Math.floor(n / Math.max(changeable.length, 1)) % REACTION_EMOJI.length] };
  };

  return {
    currentUser: {
      name: 'GET /current_user',
      next: () => ({ method: 'GET', path: '/current_user', token: benchToken(loggedInUser()) }),
      baseline: (pool) => authenticate(pool, benchToken(loggedInUser())),
    },
    activeUsers: {
      name: 'GET /users?type=active',
      next: () => ({ method: 'GET', path: '/users?type=active', token: hotToken }),
      baseline: async (pool) => {
        await authenticate(pool, hotToken);
        await run(pool, LIST_USERS.active, ['0', HOT_USER, PAGE + 1]);
      },
    },
    chatList: {
      name: 'GET /chat',
      next: () => ({ method: 'GET', path: '/chat', token: hotToken }),
      baseline: async (pool) => {
        await authenticate(pool, hotToken);
        await run(pool, LIST_CHATS, [HOT_USER, NO_BOUND, PAGE + 1]);
      },
    },
    latestHistory: {
      name: 'GET /chat/{id} (latest page)',
      next: () => ({ method: 'GET', path: `/chat/${HOT_PEER}`, token: hotToken }),
      baseline: async (pool) => {
        await authenticate(pool, hotToken);
        await run(pool, OLDER_PAGE, [HOT_USER, HOT_PEER, NO_BOUND, PAGE + 1]);
      },
    },
    deepHistory: {
      name: 'GET /chat/{id}?before= (deep page)',
      next: () => ({ method: 'GET', path: `/chat/${HOT_PEER}?before=${context.deepCursor}`, token: hotToken }),
      baseline: async (pool) => {
        await authenticate(pool, hotToken);
        await run(pool, OLDER_PAGE, [HOT_USER, HOT_PEER, context.deepCursor, PAGE + 1]);
      },
    },
    send: {
      name: 'POST /send (random pairs)',
      next: () => {
        const { sender, recipient } = sendPair();
        return sendRequest(sender, recipient);
      },
      baseline: async (pool) => {
        const { sender, recipient } = sendPair();
        await sendStatements(pool, sender, recipient);
      },
    },
    // Every send in one conversation, both directions: they all queue on its lock (id order = commit order).
    sendOneConversation: {
      name: 'POST /send (one conversation)',
      next: () => {
        const { sender, recipient } = conversationPair();
        return sendRequest(sender, recipient);
      },
      baseline: async (pool) => {
        const { sender, recipient } = conversationPair();
        await sendStatements(pool, sender, recipient);
      },
    },
    markRead: {
      name: 'POST /read/{id}',
      next: () => ({ method: 'POST', path: `/read/${hotChatPeer()}`, token: hotToken }),
      baseline: async (pool) => {
        await authenticate(pool, hotToken);
        const peer = hotChatPeer();
        const [{ updated }] = await run(pool, MARK_READ, [HOT_USER, peer, NO_BOUND, OUTBOX]);
        if (updated === 0) await run(pool, USER_EXISTS, [peer]);
      },
    },
    // The sender edits one of their own seeded messages (random pairs' conversations) to a new text.
    editMessage: {
      name: 'PATCH /messages/{id}',
      next: () => {
        const { id, sender, text } = nextEdit();
        return { method: 'PATCH', path: `/messages/${id}`, token: benchToken(sender), body: { message: text } };
      },
      baseline: async (pool) => {
        const { id, sender, text } = nextEdit();
        await authenticate(pool, benchToken(sender));
        changed(await run(pool, EDIT, [Number(id), sender, text, EDIT_WINDOW_SECONDS, OUTBOX]), 'EDIT');
      },
    },
    // Its sender reacts to one of those messages with an emoji they have not put on it yet.
    addReaction: {
      name: 'PUT /messages/{id}/reactions/{emoji}',
      next: () => {
        const { id, user, emoji } = nextReaction();
        return {
          method: 'PUT',
          path: `/messages/${id}/reactions/${encodeURIComponent(emoji)}`,
          token: benchToken(user),
        };
      },
      baseline: async (pool) => {
        const { id, user, emoji } = nextReaction();
        await authenticate(pool, benchToken(user));
        changed(
          await run(pool, ADD_REACTION, [Number(id), user, emoji, MAX_REACTIONS_PER_USER, false]),
          'ADD_REACTION',
        );
      },
    },
  };
}
