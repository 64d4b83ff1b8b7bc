-- name: conversation_outcomes
-- description: One row per conversation with its derived outcome, before its friction flags are attached (rules in docs/definitions.md), and the customer behind it, why the handoff happened, the CSAT score as given and agent handle time (rules in docs/metrics.md). Everything here is about one conversation at a time; what depends on other conversations (recontacts, the CSAT scale) is across_conversations.sql.
-- params: end_notice_re
WITH marks AS (
    SELECT
        *,
        -- the conversation reached a human or was sent to one
        -- (transfer_failed is the name some platforms give handoff_failed, Amazon Connect's too)
        event IN ('handoff_initiated', 'queued', 'agent_joined', 'transfer', 'handoff_failed',
                  'transfer_failed', 'handoff_accepted')
            OR (role = 'agent' AND is_message)
            OR is_transfer_notice
            OR is_failure_notice AS is_handoff_signal,
        role = 'agent' AND is_message AS is_agent_message
    FROM turns
),
agg AS (
    SELECT
        conversation_id,
        min("timestamp") AS started_at,
        max("timestamp") AS ended_at,
        arg_min(channel, seq) FILTER (WHERE channel IS NOT NULL) AS channel,
        arg_min(intent, seq) FILTER (WHERE intent IS NOT NULL AND role = 'customer') AS intent,
        arg_min(json_extract_string(metadata, '$.bot_version'), seq)
            FILTER (WHERE json_extract_string(metadata, '$.bot_version') IS NOT NULL) AS bot_version,
        count(*) FILTER (WHERE role = 'customer' AND is_message) AS customer_messages,
        count(*) FILTER (WHERE role = 'bot' AND is_message) AS bot_messages,
        count(*) FILTER (WHERE is_agent_message) AS agent_messages,
        count(DISTINCT participant_id) FILTER (WHERE role = 'agent') AS agents,
        min(seq) FILTER (WHERE is_handoff_signal) AS handoff_seq,
        min("timestamp") FILTER (WHERE is_handoff_signal) AS handoff_at,
        min(seq) FILTER (WHERE is_agent_message) AS first_agent_seq,
        min("timestamp") FILTER (WHERE is_agent_message) AS first_agent_at,
        bool_or(event IN ('handoff_failed', 'transfer_failed') OR is_failure_notice)
            AS handoff_failed_reported,
        max(seq) FILTER (WHERE role = 'customer' AND is_message) AS last_customer_message_seq,
        -- the conversation ended: the platform's event, or in a plain log a system message that
        -- says so ("The visitor has left the chat", "Chat closed after 10 minutes of inactivity")
        -- (a CASE runs the pattern only on system messages)
        max(CASE WHEN event = 'conversation_ended' THEN seq
                 WHEN role = 'system' AND is_message AND regexp_matches(text, $end_notice_re)
                 THEN seq END) AS ended_event_seq,
        bool_or(regexp_matches(lower(coalesce(platform_outcome, '')), 'abandon|timed? ?out|timeout'))
            AS platform_says_abandoned,
        arg_min(queue, seq) FILTER (WHERE queue IS NOT NULL) AS queue,
        arg_max(queue, seq) FILTER (WHERE queue IS NOT NULL) AS final_queue,
        arg_max(platform_outcome, seq) FILTER (WHERE platform_outcome IS NOT NULL) AS platform_outcome,
        arg_min(handoff_context, seq) FILTER (WHERE handoff_context IS NOT NULL) AS handoff_context,
        max(seq) FILTER (WHERE role = 'customer' AND is_message) AS last_customer_seq,
        max(seq) FILTER (WHERE role = 'bot' AND is_message) AS last_bot_seq,
        bool_or(is_human_request) AS customer_asked_for_human,
        -- the log has a bot side (a bot message, or an event only a bot's part has: its
        -- fallback, a handoff requested of it or started from it): human-only datasets and
        -- live chats have none (a queue, an agent joining or a transfer between agents happen
        -- without any bot), and the flags about the bot's part cannot apply to them
        bool_or((role = 'bot' AND is_message)
                OR event IN ('handoff_requested', 'handoff_initiated', 'handoff_failed',
                             'handoff_accepted', 'bot_fallback'))
            AS has_bot_side
    FROM marks
    GROUP BY conversation_id
),
-- Only a reaction to an answer can confirm or reject it: a customer message after a bot answer
-- (not a fallback) to an earlier customer message, with only customer messages in between (a
-- customer who writes "done" and then "perfect, thanks" reacts twice to the same answer).
dialogue AS (
    SELECT
        conversation_id,
        seq,
        role,
        is_fallback,
        max(CASE WHEN role = 'bot' THEN seq END) OVER (
            PARTITION BY conversation_id ORDER BY seq
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_bot_seq,
        sum(CASE WHEN role = 'customer' THEN 1 ELSE 0 END) OVER (
            PARTITION BY conversation_id ORDER BY seq
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS customers_before
    FROM turns
    WHERE is_message AND role IN ('customer', 'bot')
),
reactions AS (
    SELECT d.conversation_id, d.seq,
           NOT b.is_fallback AND coalesce(b.customers_before, 0) >= 1 AS reacts_to_answer
    FROM dialogue d
    JOIN dialogue b ON b.conversation_id = d.conversation_id AND b.seq = d.last_bot_seq
    WHERE d.role = 'customer'
),
last_turns AS (
    SELECT
        a.*,
        lc.is_confirmation AND coalesce(d.reacts_to_answer, false) AS last_customer_confirmed,
        lc.is_acknowledgement AND coalesce(d.reacts_to_answer, false) AS last_customer_acknowledged,
        lc.is_negative AND coalesce(d.reacts_to_answer, false) AS last_customer_negative,
        lb.is_fallback AS last_bot_fallback
    FROM agg a
    LEFT JOIN turns lc ON lc.conversation_id = a.conversation_id AND lc.seq = a.last_customer_seq
    LEFT JOIN reactions d ON d.conversation_id = a.conversation_id AND d.seq = a.last_customer_seq
    LEFT JOIN turns lb ON lb.conversation_id = a.conversation_id AND lb.seq = a.last_bot_seq
),
bot_phase AS (
    SELECT
        l.conversation_id,
        count(*) FILTER (WHERE t.role = 'bot' AND t.is_message
                         AND (l.handoff_seq IS NULL OR t.seq < l.handoff_seq)) AS bot_turns_before_handoff
    FROM last_turns l
    JOIN turns t USING (conversation_id)
    GROUP BY l.conversation_id
),
decided AS (
    SELECT
        l.*,
        b.bot_turns_before_handoff,
        l.customer_messages > 0 AS engaged,
        l.handoff_seq IS NOT NULL AS handed_off,
        CASE
            WHEN l.customer_messages = 0 THEN 'unengaged'
            WHEN l.handoff_seq IS NOT NULL THEN 'handed_off'
            WHEN l.last_customer_confirmed THEN 'bot_resolved'
            WHEN l.last_customer_negative THEN 'abandoned'
            WHEN l.last_bot_seq > l.last_customer_seq AND NOT l.last_bot_fallback THEN 'bot_resolved'
            WHEN l.last_customer_acknowledged AND NOT l.last_bot_fallback THEN 'bot_resolved'
            ELSE 'abandoned'
        END AS outcome
    FROM last_turns l
    JOIN bot_phase b USING (conversation_id)
),
outcomes AS (
SELECT
    conversation_id,
    started_at,
    ended_at,
    channel,
    intent,
    bot_version,
    customer_messages,
    bot_messages,
    agent_messages,
    agents,
    engaged,
    handed_off,
    handoff_at,
    handoff_seq,
    first_agent_at,
    first_agent_seq,
    CASE WHEN handoff_at IS NOT NULL AND first_agent_at IS NOT NULL
         THEN epoch(first_agent_at) - epoch(handoff_at) END AS wait_seconds,
    queue,
    final_queue,
    outcome,
    CASE
        WHEN NOT handed_off THEN NULL
        WHEN first_agent_seq IS NOT NULL THEN 'agent_engaged'
        WHEN handoff_failed_reported THEN 'handoff_failed'
        -- evidence that the customer waited and left: they wrote after the handoff and nobody
        -- answered, the conversation was ended or timed out after it, or the platform says so
        WHEN last_customer_message_seq > handoff_seq OR ended_event_seq > handoff_seq
             OR platform_says_abandoned THEN 'abandoned_in_queue'
        -- the log stops at the handoff: the human part is not in this export
        ELSE 'not_in_log'
    END AS handoff_outcome,
    CASE
        WHEN outcome <> 'bot_resolved' THEN NULL
        WHEN last_customer_confirmed THEN 'confirmed'
        ELSE 'assumed'
    END AS resolution,
    customer_asked_for_human,
    CASE WHEN handed_off THEN bot_turns_before_handoff END AS bot_turns_before_handoff,
    platform_outcome,
    handoff_context,
    has_bot_side
FROM decided
),
-- Beyond the outcome: who the customer is, what they scored, how long agents spent, and the
-- first signals before the handoff that say why it happened (docs/metrics.md).
signals AS (
    SELECT
        conversation_id,
        arg_min(coalesce(
            json_extract_string(metadata, '$.customer_id'), json_extract_string(metadata, '$.user_id'),
            json_extract_string(metadata, '$.contact_id'), json_extract_string(metadata, '$.customer'),
            json_extract_string(metadata, '$.email_hash')), seq)
            FILTER (WHERE coalesce(
                json_extract_string(metadata, '$.customer_id'), json_extract_string(metadata, '$.user_id'),
                json_extract_string(metadata, '$.contact_id'), json_extract_string(metadata, '$.customer'),
                json_extract_string(metadata, '$.email_hash')) IS NOT NULL) AS customer_id,
        arg_max(try_cast(json_extract_string(metadata, '$.csat') AS DOUBLE), seq)
            FILTER (WHERE try_cast(json_extract_string(metadata, '$.csat') AS DOUBLE) IS NOT NULL) AS csat,
        arg_max(try_cast(json_extract_string(metadata, '$.csat_scale') AS DOUBLE), seq)
            FILTER (WHERE try_cast(json_extract_string(metadata, '$.csat_scale') AS DOUBLE) IS NOT NULL) AS csat_scale,
        max("timestamp") FILTER (WHERE role = 'agent' AND is_message) AS last_agent_at,
        min(seq) FILTER (WHERE is_human_request) AS first_request_seq,
        min(seq) FILTER (WHERE is_fallback OR is_negative) AS first_failure_seq,
        min(seq) FILTER (WHERE role = 'bot' AND is_message) AS first_bot_seq,
        arg_min(coalesce(
            json_extract_string(metadata, '$.handoff_reason'), json_extract_string(metadata, '$.escalation_reason')), seq)
            FILTER (WHERE coalesce(
                json_extract_string(metadata, '$.handoff_reason'), json_extract_string(metadata, '$.escalation_reason'))
                IS NOT NULL) AS platform_reason
    FROM turns
    GROUP BY conversation_id
),
reasoned AS (
    SELECT
        o.*,
        nullif(trim(s.customer_id), '') AS customer_id,
        -- the score as given and the scale the conversation names; csat_score, which needs the
        -- scale of the whole data, is computed over every conversation (across_conversations.sql)
        s.csat,
        s.csat_scale,
        CASE WHEN o.first_agent_at IS NOT NULL AND s.last_agent_at IS NOT NULL
             THEN epoch(s.last_agent_at) - epoch(o.first_agent_at) END AS agent_handle_seconds,
        CASE
            WHEN NOT o.handed_off THEN NULL
            WHEN s.first_failure_seq < o.handoff_seq
                 AND (s.first_request_seq IS NULL OR s.first_request_seq >= o.handoff_seq
                      OR s.first_failure_seq < s.first_request_seq) THEN 'bot_failure'
            WHEN s.first_request_seq < o.handoff_seq THEN 'customer_request'
            WHEN s.platform_reason IS NOT NULL THEN 'platform'
            WHEN s.first_bot_seq <= o.handoff_seq THEN 'bot_initiated'
            ELSE 'unknown'
        END AS handoff_reason,
        CASE WHEN o.handed_off THEN left(s.platform_reason, 200) END AS handoff_reason_detail
    FROM outcomes o
    LEFT JOIN signals s USING (conversation_id)
)
SELECT * FROM reasoned;
