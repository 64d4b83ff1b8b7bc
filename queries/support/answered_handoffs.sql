-- name: answered_handoffs
-- description: The conversations a bot handed to a person who then wrote: the handoff (handoff_seq) and the first agent message (first_agent_seq). The bot phase is every turn before handoff_seq, the agent phase every turn from first_agent_seq on. customer_words, question_topics, customer_repeated and agent_reasked compare the two phases.
-- params:
SELECT conversation_id, handoff_seq, first_agent_seq
FROM conversation_outcomes
WHERE first_agent_seq IS NOT NULL AND handoff_seq IS NOT NULL AND has_bot_side;
