/**
 * The Lua every script of the Redis store starts with: key names, and the rules the scripts
 * share. Internal.
 *
 * Conventions: `ARGV[1]` is always the key prefix `{p}:`, from which scripts name every key
 * they touch (`KEYS[1]` only routes a call on Redis Cluster: all keys share the slot of `{p}`); times
 * are milliseconds since the epoch, passed as decimal strings by the caller (the manager's
 * clock: Redis's own clock never decides anything) and stored as given; a `null` field is an
 * absent hash field.
 */
export const PRELUDE: string = String.raw`
local prefix = ARGV[1]
local function sessionKey(id) return prefix .. 'session:' .. id end
local function tokenKey(hash) return prefix .. 'token:' .. hash end
local function sessionTokensKey(id) return prefix .. 'session-tokens:' .. id end
local function subjectKey(subject) return prefix .. 'subject:' .. subject end
local sessionsByExpiry = prefix .. 'sessions-by-expiry'
local tokensByExpiry = prefix .. 'tokens-by-expiry'
local revokedSessions = prefix .. 'revoked-sessions'

-- HMGET answers false for an absent field; the rules below want nil.
local function present(value) if value then return value end return nil end

-- Field/value pairs (as HSET takes them) as a table.
local function fieldsOf(list)
  local fields = {}
  for i = 1, #list, 2 do fields[list[i]] = list[i + 1] end
  return fields
end

-- SessionRecord: neither revoked nor at or past its end.
local function isActive(revokedAt, expiresAt, now)
  return not present(revokedAt) and tonumber(expiresAt) > now
end

-- sessionBelongsTo of src/store.ts: same issuer and audience, or either side unbound.
local function belongs(issuer, audience, otherIssuer, otherAudience)
  issuer, audience, otherIssuer, otherAudience = present(issuer), present(audience), present(otherIssuer), present(otherAudience)
  if issuer == nil or otherIssuer == nil then return true end
  return issuer == otherIssuer and audience == otherAudience
end

-- Lets key live at least ms more milliseconds; never shortens it.
local function extendTtl(key, ms)
  ms = tonumber(ms)
  if ms > 0 and redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end

-- Adds member to an index and keeps the index alive as long as the member's record.
local function index(key, score, member, ttl)
  redis.call('ZADD', key, score, member)
  extendTtl(key, ttl)
end

-- Drops index entries whose record is gone (expired by its TTL, or deleted) from the low end,
-- at most limit of them, stopping at the first live one: indexes stay bounded by live records
-- even if purgeExpired never runs.
local function trimIndex(key, recordKey, limit)
  for _, member in ipairs(redis.call('ZRANGE', key, 0, limit - 1)) do
    if redis.call('EXISTS', recordKey(member)) == 1 then return end
    redis.call('ZREM', key, member)
  end
end

-- The subject's session ids, oldest first (createdAt, then id), pruning ids whose session is gone.
local function subjectSessionIds(key)
  local ids = {}
  for _, id in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    if redis.call('EXISTS', sessionKey(id)) == 1 then ids[#ids + 1] = id else redis.call('ZREM', key, id) end
  end
  return ids
end

-- Revokes a session unless it is unknown or revoked already; 1 if this call revoked it.
local function revoke(id, at)
  local key = sessionKey(id)
  local session = redis.call('HMGET', key, 'expiresAt', 'revokedAt')
  if not session[1] or session[2] then return 0 end
  redis.call('HSET', key, 'revokedAt', at)
  index(revokedSessions, session[1], id, redis.call('PTTL', key))
  return 1
end

-- A session as a reply: its id, then HGETALL's field/value pairs; false when it is gone.
local function sessionReply(id)
  local reply = redis.call('HGETALL', sessionKey(id))
  if #reply == 0 then return false end
  table.insert(reply, 1, id)
  return reply
end
`;
