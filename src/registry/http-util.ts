/** Small helpers both HTTP clients share. */

export function parseJson(body: Buffer | string): unknown {
	try {
		return JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
	} catch {
		return undefined;
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null;
}

export function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export type Within<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly why: 'canceled' | 'timeout' | 'error'; readonly error?: unknown};

/**
 * Run one request under a time limit and the caller's abort signal, whichever comes first;
 * says which one ended it, so each client can word the failure for its own audience.
 */
export async function within<T>(signal: AbortSignal | undefined, timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<Within<T>> {
	if (signal?.aborted) return {ok: false, why: 'canceled'};
	const controller = new AbortController();
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		controller.abort();
	}, timeoutMs);
	const onAbort = () => controller.abort();
	signal?.addEventListener('abort', onAbort, {once: true});
	try {
		return {ok: true, value: await run(controller.signal)};
	} catch (error) {
		if (signal?.aborted) return {ok: false, why: 'canceled'};
		return timedOut ? {ok: false, why: 'timeout'} : {ok: false, why: 'error', error};
	} finally {
		clearTimeout(timer);
		signal?.removeEventListener('abort', onAbort);
	}
}

/** The longest wait or lifetime the lab believes from a server: an hour. */
export const maxServerSeconds = 3600;

/** Seconds a server asked for, as a whole number from 0 to `max`: a huge, negative or broken value cannot stall the lab. */
export function clampSeconds(value: number, max = maxServerSeconds): number {
	if (Number.isNaN(value)) return 0;
	return Math.min(max, Math.max(0, Math.ceil(value)));
}

/** `Retry-After`: delta-seconds or an HTTP date, clamped; undefined when it is neither. */
export function retryAfterValue(value: string | null | undefined, now = Date.now()): number | undefined {
	const trimmed = value?.trim();
	if (!trimmed) return undefined;
	if (/^\d{1,30}$/.test(trimmed)) return clampSeconds(Number(trimmed));
	// Only the date form (a weekday name first) is read as a date: Date.parse takes too much else.
	if (!/^[A-Za-z]{3},/.test(trimmed) || trimmed.length > 64) return undefined;
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : clampSeconds((date - now) / 1000);
}

/**
 * A listing that takes several requests (tags, the catalog, Docker Hub's repositories) stops after this many pages
 * or bytes, and keeps this many names: a registry that pages forever cannot fill the memory or the screen.
 */
export const maxListPages = 10;
export const maxListBytes = 16 * 1024 * 1024;
export const maxListItems = 10_000;
