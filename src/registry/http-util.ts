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
