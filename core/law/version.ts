/**
 * The date the rules in core/law/rules/ were last reviewed as a whole. Bump it with any change to a
 * rule: each incident records the version it was assessed under, so a change never silently rewrites
 * an open incident's obligations.
 */
export const RULES_VERSION = '2026-12-07';
