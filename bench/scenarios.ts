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
import { SEND } from '../src/messages/message.queries.js';
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

async function sendStatements(pool: pg.Pool, sender: number, recipient: number): Promise<void> {
  await authenticate(pool, benchToken(sender));
  await run(pool, SEND, [sender, recipient, 'bench message', null, null]);
}

export type ScenarioKey =
  | 'currentUser'
  | 'activeUsers'
  | 'chatList'
  | 'latestHistory'
  | 'deepHistory'
  | 'send'
  | 'sendOneConversation'
  | 'markRead';

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
        const [{ updated }] = await run(pool, MARK_READ, [HOT_USER, peer, NO_BOUND]);
        if (updated === 0) await run(pool, USER_EXISTS, [peer]);
      },
    },
  };
}
