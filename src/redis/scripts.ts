/**
 * The Lua scripts of the Redis store: one per store method, each one atomic step on the
 * server. Internal. Argument layouts are written above each script; `ARGV[1]` is always the key
 * prefix, from which each script names every key it touches (see `_lua.ts`); `KEYS[1]`, one of
 * those keys, is declared only to route the call on Redis Cluster.
 */
import { PRELUDE } from "./_lua.js";

/** How many dead index entries one write drops at most (see `trimIndex`). */
const TRIM = 8;

/**
 * ARGV: prefix, session id, token hash, limit or "", session TTL, token TTL, n, n session
 * field/value items, token field/value items.
 * Reply: {"exists", what} or {"created", evicted ids…}.
 */
const createSession = String.raw`
local id, hash, sessionTtl, tokenTtl = ARGV[2], ARGV[3], ARGV[5], ARGV[6]
if redis.call('EXISTS', sessionKey(id)) == 1 then return {'exists', 'session id'} end
if redis.call('EXISTS', tokenKey(hash)) == 1 then return {'exists', 'token hash'} end
local n = tonumber(ARGV[7])
local sessionPairs = {unpack(ARGV, 8, 7 + n)}
local tokenPairs = {unpack(ARGV, 8 + n)}
local session, token = fieldsOf(sessionPairs), fieldsOf(tokenPairs)
local subjectIndex = subjectKey(session.subject)
local createdAt = tonumber(session.createdAt)
-- The subject's other active sessions of the new session's binding, oldest first.
local others = {}
for _, other in ipairs(subjectSessionIds(subjectIndex)) do
  local fields = redis.call('HMGET', sessionKey(other), 'revokedAt', 'expiresAt', 'issuer', 'audience')
  if isActive(fields[1], fields[2], createdAt) and belongs(fields[3], fields[4], session.issuer, session.audience) then
    others[#others + 1] = other
  end
end
local reply = {'created'}
if ARGV[4] ~= '' then
  for i = 1, math.min(#others, #others + 1 - tonumber(ARGV[4])) do
    revoke(others[i], session.createdAt)
    reply[#reply + 1] = others[i]
  end
end
redis.call('HSET', sessionKey(id), unpack(sessionPairs))
redis.call('PEXPIRE', sessionKey(id), sessionTtl)
redis.call('HSET', tokenKey(hash), unpack(tokenPairs))
redis.call('PEXPIRE', tokenKey(hash), tokenTtl)
index(subjectIndex, session.createdAt, id, sessionTtl)
index(sessionTokensKey(id), token.expiresAt, hash, sessionTtl)
extendTtl(sessionTokensKey(id), tokenTtl)
index(sessionsByExpiry, session.expiresAt, id, sessionTtl)
index(tokensByExpiry, token.expiresAt, hash, tokenTtl)
if session.revokedAt then index(revokedSessions, session.expiresAt, id, sessionTtl) end
trimIndex(sessionsByExpiry, sessionKey, ${TRIM})
trimIndex(tokensByExpiry, tokenKey, ${TRIM})
trimIndex(revokedSessions, sessionKey, ${TRIM})
return reply
`;

/**
 * ARGV: prefix, hash, at, successor hash, sealed successor, successor TTL, successor
 * field/value items.
 * Reply: 1 if spent (now, or before by this very request), 0 if the condition did not hold.
 */
const spendToken = String.raw`
local hash, at, successorHash, sealedSuccessor, successorTtl = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local token = redis.call('HMGET', tokenKey(hash), 'sessionId', 'expiresAt', 'spentAt', 'successorHash')
local sessionId = token[1]
if not sessionId then return 0 end
if token[3] then
  if token[4] == successorHash then return 1 end
  return 0
end
if tonumber(token[2]) <= tonumber(at) then return 0 end
local session = redis.call('HMGET', sessionKey(sessionId), 'revokedAt', 'expiresAt')
if not session[2] or not isActive(session[1], session[2], tonumber(at)) then return 0 end
local successorPairs = {unpack(ARGV, 7)}
local successor = fieldsOf(successorPairs)
if successor.sessionId ~= sessionId or redis.call('EXISTS', tokenKey(successorHash)) == 1 then return 0 end
redis.call('HSET', tokenKey(hash), 'spentAt', at, 'successorHash', successorHash, 'sealedSuccessor', sealedSuccessor)
redis.call('HSET', tokenKey(successorHash), unpack(successorPairs))
redis.call('PEXPIRE', tokenKey(successorHash), successorTtl)
redis.call('HSET', sessionKey(sessionId), 'lastUsedAt', at)
index(sessionTokensKey(sessionId), successor.expiresAt, successorHash, successorTtl)
index(tokensByExpiry, successor.expiresAt, successorHash, successorTtl)
trimIndex(sessionTokensKey(sessionId), tokenKey, ${TRIM})
trimIndex(tokensByExpiry, tokenKey, ${TRIM})
return 1
`;

/** ARGV: prefix, session id, at. Reply: 0. */
const touchSession = String.raw`
local key = sessionKey(ARGV[2])
if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'lastUsedAt', ARGV[3]) end
return 0
`;

/** ARGV: prefix, session id, at. Reply: 1 if this call revoked it, else 0. */
const revokeSession = String.raw`
local revoked = revoke(ARGV[2], ARGV[3])
trimIndex(revokedSessions, sessionKey, ${TRIM})
return revoked
`;

/**
 * ARGV: prefix, subject, at, "1" to filter by binding else "", issuer, audience (each "" for
 * null, else "=" followed by the value).
 * Reply: how many sessions this call revoked.
 */
const revokeSubject = String.raw`
local function nullable(value) if value == '' then return nil end return string.sub(value, 2) end
local issuer, audience = nullable(ARGV[5]), nullable(ARGV[6])
local count = 0
for _, id in ipairs(subjectSessionIds(subjectKey(ARGV[2]))) do
  local binding = redis.call('HMGET', sessionKey(id), 'issuer', 'audience')
  if ARGV[4] == '' or belongs(binding[1], binding[2], issuer, audience) then count = count + revoke(id, ARGV[3]) end
end
trimIndex(revokedSessions, sessionKey, ${TRIM})
return count
`;

/** ARGV: prefix, hash. Reply: {token pairs, session reply}, or nil. */
const findToken = String.raw`
local token = redis.call('HGETALL', tokenKey(ARGV[2]))
if #token == 0 then return false end
local session = sessionReply(fieldsOf(token).sessionId)
if not session then return false end
return {token, session}
`;

/** ARGV: prefix, session id. Reply: a session reply, or nil. */
const findSession = String.raw`
return sessionReply(ARGV[2])
`;

/** ARGV: prefix, subject, at. Reply: the active sessions' replies, oldest first. */
const listSessions = String.raw`
local sessions = {}
for _, id in ipairs(subjectSessionIds(subjectKey(ARGV[2]))) do
  local fields = redis.call('HMGET', sessionKey(id), 'revokedAt', 'expiresAt')
  if isActive(fields[1], fields[2], tonumber(ARGV[3])) then sessions[#sessions + 1] = sessionReply(id) end
end
return sessions
`;

/**
 * ARGV: prefix, at, batch size.
 * Reply: {records deleted, 1 if a list was cut at the batch size (call again) else 0}.
 */
const purgeExpired = String.raw`
local at, batch = ARGV[2], tonumber(ARGV[3])
local deleted, more = 0, 0
local function deleteSession(id)
  local subject = redis.call('HGET', sessionKey(id), 'subject')
  for _, hash in ipairs(redis.call('ZRANGE', sessionTokensKey(id), 0, -1)) do
    deleted = deleted + redis.call('DEL', tokenKey(hash))
    redis.call('ZREM', tokensByExpiry, hash)
  end
  redis.call('DEL', sessionTokensKey(id))
  deleted = deleted + redis.call('DEL', sessionKey(id))
  redis.call('ZREM', sessionsByExpiry, id)
  redis.call('ZREM', revokedSessions, id)
  if subject then redis.call('ZREM', subjectKey(subject), id) end
end
local ended = redis.call('ZRANGEBYSCORE', sessionsByExpiry, '-inf', at, 'LIMIT', 0, batch)
local revoked = redis.call('ZRANGE', revokedSessions, 0, batch - 1)
for _, id in ipairs(ended) do deleteSession(id) end
for _, id in ipairs(revoked) do deleteSession(id) end
local expired = redis.call('ZRANGEBYSCORE', tokensByExpiry, '-inf', at, 'LIMIT', 0, batch)
for _, hash in ipairs(expired) do
  local sessionId = redis.call('HGET', tokenKey(hash), 'sessionId')
  deleted = deleted + redis.call('DEL', tokenKey(hash))
  redis.call('ZREM', tokensByExpiry, hash)
  if sessionId then redis.call('ZREM', sessionTokensKey(sessionId), hash) end
end
if #ended == batch or #revoked == batch or #expired == batch then more = 1 end
return {deleted, more}
`;

/** The name of a script: the store method it serves. */
export type ScriptName =
  | "createSession"
  | "spendToken"
  | "touchSession"
  | "revokeSession"
  | "revokeSubject"
  | "findToken"
  | "findSession"
  | "listSessions"
  | "purgeExpired";

const BODIES: Record<ScriptName, string> = { createSession, spendToken, touchSession, revokeSession, revokeSubject, findToken, findSession, listSessions, purgeExpired };

/** Every script's full source, prelude included. */
export const SCRIPTS: Readonly<Record<ScriptName, string>> = Object.fromEntries(
  Object.entries(BODIES).map(([name, body]) => [name, `${PRELUDE}\n${body}`]),
) as Record<ScriptName, string>;
