/**
 * What the outside world answers a lesson with: a check's result, a command's outcome, a
 * diagnosis of what went wrong. Plain data, shared by the checks, the engine commands, the
 * pure lesson run and the faces (see docs/ARCHITECTURE.md, "Words").
 */
import type {Vars} from './template.js';

/** Every cause a diagnosis can name (the taxonomy of src/container/diagnose.ts). */
export const causes = [
	'engine-missing',
	'daemon-unreachable',
	'daemon-permission',
	'login-failed',
	'not-logged-in',
	'push-denied',
	'image-not-found',
	'local-image-missing',
	'invalid-reference',
	'rate-limited',
	'http-vs-https',
	'tls-untrusted',
	'credential-helper',
	'network',
	'disk-full',
	'platform-mismatch',
	'unknown',
] as const;

export type Cause = (typeof causes)[number];

/** What went wrong, in a beginner's words, and what to do next. */
export type Diagnosis = {readonly cause: Cause; readonly title: string; readonly hint: string};

/** A value a check found in place of the one it was given, for one of its fields (docker is logged in as 'alice', not 'Alice'). */
export type Suggestion = {readonly field: string; readonly value: string};

/** What a check answers. */
export type CheckResult = {
	readonly ok: boolean;
	/**
	 * With ok false: the check could not be made (Docker Hub could not be reached). Neither a pass nor a
	 * mistake of the student's: the faces say "could not check", and offer to check again.
	 */
	readonly couldNotCheck?: boolean;
	/** With couldNotCheck: the lesson may go on without this check, because a later step proves the same thing. */
	readonly mayGoOn?: boolean;
	/** With ok false: what the check found instead, which would make it pass; the student may take it. */
	readonly suggestion?: Suggestion;
	readonly summary: string;
	readonly detail?: string;
	readonly diagnosis?: Diagnosis;
	/**
	 * What the check did, for a student who asks: the read-only command it ran or the HTTP request it made
	 * (method and URL, never a credential), and what came back, shortened.
	 */
	readonly did?: string;
	/** Values the check learned (a digest, a URL), added to the lesson's variables. */
	readonly facts?: Vars;
};

/** A check's outcome in one word: it passed, it failed, or it could not be made (unknown: neither a pass nor the student's mistake). */
export type CheckStatus = 'pass' | 'fail' | 'unknown';

export function checkStatus(result: Pick<CheckResult, 'ok' | 'couldNotCheck'>): CheckStatus {
	return result.ok ? 'pass' : result.couldNotCheck ? 'unknown' : 'fail';
}

export type OutputLine = {readonly text: string; readonly stream: 'stdout' | 'stderr'};

/** How an engine command ended. */
export type CommandOutcome = {
	readonly exitCode: number | null;
	readonly canceled: boolean;
	readonly timedOut: boolean;
	readonly output: string;
	readonly diagnosis?: Diagnosis;
	readonly spawnError?: string;
};
