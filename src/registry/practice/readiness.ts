/** Waiting until a practice registry answers as ours: GET /v2/ gives 401 with the realm of this start. */
import {httpFetch} from '../http-request.js';
import type {Context} from './outcome.js';

export type Readiness =
	| {readonly kind: 'ready'}
	| {readonly kind: 'timeout'}
	| {readonly kind: 'canceled'}
	| {readonly kind: 'stopped'; readonly why: string}
	| {readonly kind: 'open'; readonly why: string};

/** Poll GET /v2/ until it answers 401: up, and asking for a password. */
export async function waitUntilReady(
	host: string,
	context: Context,
	gone: () => {stopped: string} | undefined | Promise<{stopped: string} | undefined>,
): Promise<Readiness> {
	const deadline = performance.now() + context.timeoutMs;
	for (;;) {
		if (context.options.signal?.aborted) return {kind: 'canceled'};
		const stopped = await gone();
		if (stopped) return {kind: 'stopped', why: stopped.stopped};
		const answer = await httpFetch(`http://${host}/v2/`, {signal: AbortSignal.timeout(2000)}).then(
			response => ({status: response.status, ours: (response.headers.get('www-authenticate') ?? '').includes(`realm="${context.data.realm}"`)}),
			() => undefined,
		);
		// Another server already on this port answers too: only our own realm counts.
		if (answer?.status === 401 && answer.ours) return {kind: 'ready'};
		if (answer?.status === 200) return {kind: 'open', why: `answered http://${host}/v2/ without asking for a password, so its accounts are not in force`};
		if (performance.now() > deadline) return {kind: 'timeout'};
		await sleep(50, context.options.signal);
	}
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		const timer = setTimeout(finish, ms);
		signal?.addEventListener('abort', finish, {once: true});
		function finish() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', finish);
			resolve();
		}
	});
}
